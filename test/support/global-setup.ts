import { createConnection } from 'node:net';
import type { TestProject } from 'vitest/node';
import { Client } from 'pg';
import { runMigrations } from '../../libs/core/src/database/data-source';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    templateDatabase: string;
    redisUrl: string | null;
  }
}

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const NO_REDIS = (url: string) =>
  `\n${'!'.repeat(72)}\n!! Redis does not answer at ${url}: every test that needs Redis was SKIPPED.\n` +
  `!! Start Redis (or set TEST_REDIS_URL) to run them; CI sets HERALD_TEST_REQUIRE_REDIS=1.\n${'!'.repeat(72)}\n`;

function redisAnswers(url: string): Promise<boolean> {
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

/**
 * Migrates one template database per run; each test file clones it with
 * CREATE DATABASE ... TEMPLATE (a file copy, ~100 ms), so files run in parallel
 * on databases of their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = `herald_template_${process.pid}`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = new URL(POSTGRES_URL);
  templateUrl.pathname = `/${template}`;
  await runMigrations(templateUrl.toString());

  const redis = (await redisAnswers(REDIS_URL)) ? REDIS_URL : null;
  if (!redis) {
    if (process.env.HERALD_TEST_REQUIRE_REDIS === '1') {
      throw new Error(`HERALD_TEST_REQUIRE_REDIS=1 but Redis does not answer at ${REDIS_URL}`);
    }
    console.warn(NO_REDIS(REDIS_URL));
  }
  project.provide('postgresUrl', POSTGRES_URL);
  project.provide('templateDatabase', template);
  project.provide('redisUrl', redis);

  return async () => {
    // Said again at the end, where the summary is read.
    if (!redis) console.warn(NO_REDIS(REDIS_URL));
    // Databases cloned from the template are dropped by their files; drop stragglers of crashed files too.
    const { rows } = await admin.query(
      `SELECT datname FROM pg_database WHERE datname LIKE 'herald_t_${process.pid}_%'`,
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}
