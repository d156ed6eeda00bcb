import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@herald/core';

/** The newest PostgreSQL of the system packages (Debian's /usr/lib/postgresql/<major>/bin). */
function binaries(): string {
  const root = '/usr/lib/postgresql';
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  if (!majors.length) throw new Error(`no PostgreSQL under ${root}: the PostgreSQL scenario needs initdb and pg_ctl`);
  return join(root, majors[0], 'bin');
}

/**
 * A PostgreSQL cluster of the scenario's own, on a free port, so restarting it touches nobody else's database.
 * PostgreSQL refuses to run as root: as root it runs as the `postgres` user, in a folder that user owns.
 */
export class PostgresCluster {
  private readonly bin = binaries();
  private readonly folder = mkdtempSync(join(tmpdir(), 'herald-faults-pg-'));
  private readonly data = join(this.folder, 'data');
  port = 0;

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    if (process.getuid?.() === 0) {
      const { uid, gid } = this.postgresUser();
      chownSync(this.folder, uid, gid);
    }
    this.run('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    this.pgCtl('start');
    return this;
  }

  /** Stops the server (fast: open connections are cut), so everyone connected sees it gone. */
  stop(): void {
    this.pgCtl('stop');
  }

  resume(): void {
    this.pgCtl('start');
  }

  destroy(): void {
    try {
      this.pgCtl('stop');
    } catch {
      // Not running.
    }
    rmSync(this.folder, { recursive: true, force: true });
  }

  private pgCtl(action: 'start' | 'stop'): void {
    const options = `-p ${this.port} -k ${this.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    const args =
      action === 'start'
        ? ['-D', this.data, '-l', join(this.folder, 'server.log'), '-w', '-t', '60', '-o', options, 'start']
        : ['-D', this.data, '-m', 'fast', '-w', '-t', '60', 'stop'];
    this.run('pg_ctl', args);
  }

  private run(tool: string, args: string[]): void {
    const command = join(this.bin, tool);
    if (process.getuid?.() === 0)
      execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    else execFileSync(command, args, { stdio: 'pipe' });
  }

  private postgresUser(): { uid: number; gid: number } {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  }
}
