import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const created = new Set<string>();

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new empty database named for what it holds; answers its URL. Dropped by dropDatabases(). */
export async function freshDatabase(purpose: string, settings: Record<string, string> = {}): Promise<string> {
  const name = `bench_${purpose}_${randomBytes(4).toString('hex')}`;
  await admin(async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
    for (const [key, value] of Object.entries(settings)) {
      await client.query(`ALTER DATABASE ${name} SET ${key} = '${value}'`);
    }
  });
  created.add(name);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export function databaseName(url: string): string {
  return new URL(url).pathname.slice(1);
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  created.delete(name);
}

/** Drops every database this bench created and has not dropped yet. */
export async function dropDatabases(): Promise<void> {
  if (created.size === 0) return;
  await admin(async (client) => {
    for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  created.clear();
}
