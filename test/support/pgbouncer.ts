import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@herald/core';
import { Client } from 'pg';
import { Child, startChild, stopChild } from './child-process';

/** Debian's package installs it outside a non-root PATH. */
const BINARY = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((path) => existsSync(path)) ?? 'pgbouncer';

/**
 * Debian's PgBouncer started by a test on a free port, in front of the PostgreSQL of `postgresUrl`, with its own
 * ini in a temporary folder (never the system service): `pool_mode` transaction unless said, no authentication
 * (`auth_type = any`, every server connection as the user of `postgresUrl`), otherwise the package's defaults, as
 * a new user's configuration would be. `url(database)` is the pooled URL of a database.
 */
export class PgBouncer {
  private child?: Child;
  private readonly folder = mkdtempSync(join(tmpdir(), 'herald-pgbouncer-'));
  port = 0;

  constructor(
    private readonly postgresUrl: string,
    private readonly poolMode: 'transaction' | 'session' = 'transaction',
  ) {}

  async start(): Promise<this> {
    const server = new URL(this.postgresUrl);
    this.port = await freePort();
    const ini = join(this.folder, 'pgbouncer.ini');
    const userlist = join(this.folder, 'userlist.txt');
    writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=${server.hostname} port=${server.port || 5432} user=${decodeURIComponent(server.username) || 'postgres'}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${this.port}`,
        'unix_socket_dir =',
        'auth_type = any',
        `auth_file = ${userlist}`,
        `pool_mode = ${this.poolMode}`,
        // Many processes share it in the scale tests; PostgreSQL's own limit is the real bound.
        'max_client_conn = 2000',
        'default_pool_size = 20',
        '',
      ].join('\n'),
    );
    writeFileSync(userlist, '');
    // PgBouncer refuses to run as root: as root it switches to the postgres user (-u), which must read the files.
    chmodSync(this.folder, 0o755);
    chmodSync(ini, 0o644);
    chmodSync(userlist, 0o644);
    const asRoot = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
    this.child = startChild(BINARY, [...asRoot, ini], { env: { PATH: process.env.PATH } });
    this.child.process.once('error', () => undefined);
    await this.waitUntilServing();
    return this;
  }

  /** The URL of `database` through this PgBouncer. */
  url(database: string): string {
    const url = new URL(this.postgresUrl);
    url.host = `127.0.0.1:${this.port}`;
    url.pathname = `/${database}`;
    return url.toString();
  }

  /** Transactions PgBouncer served on `database` so far (its admin console's SHOW STATS). */
  async transactions(database: string): Promise<number> {
    const client = new Client({ connectionString: this.url('pgbouncer') });
    await client.connect();
    try {
      // The admin console speaks the simple protocol only, which a query without parameters goes by.
      const { rows } = await client.query<{ database: string; total_xact_count: string }>('SHOW STATS');
      return Number(rows.find((row) => row.database === database)?.total_xact_count ?? 0);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 5_000);
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async waitUntilServing(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (this.child!.process.exitCode !== null) {
        throw new Error(`pgbouncer exited (is Debian's pgbouncer installed?):\n${this.child!.output()}`);
      }
      const client = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`pgbouncer did not serve within 20 s: ${(error as Error).message}\n${this.child!.output()}`, {
            cause: error,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  }
}
