import { createConnection } from 'node:net';
import { Client } from 'pg';
import { runMigrations } from '../../libs/core/src/database/data-source';

/**
 * The local PostgreSQL and Redis the tests (and the fuzzer) run Herald on, without Vitest: the global set-up,
 * the per-file databases and `npm run fuzz` share these.
 */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One statement on the server's maintenance database (CREATE/DROP DATABASE cannot run in a database itself). */
export async function adminQuery(postgresUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the server of `postgresUrl`. */
export function databaseUrl(postgresUrl: string, name: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new empty database `name` (dropped first if a crashed run left it), migrated; answers its URL. */
export async function createMigratedDatabase(postgresUrl: string, name: string): Promise<string> {
  await adminQuery(postgresUrl, `DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(postgresUrl, `CREATE DATABASE ${name}`);
  const url = databaseUrl(postgresUrl, name);
  await runMigrations(url);
  return url;
}

export function dropDatabase(postgresUrl: string, name: string): Promise<void> {
  return adminQuery(postgresUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Whether a Redis answers PING at `url` within a second. */
export function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection(Number(port || 6379), hostname);
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
