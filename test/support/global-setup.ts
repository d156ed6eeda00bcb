import type { TestProject } from 'vitest/node';
import { Client } from 'pg';
import { createMigratedDatabase, POSTGRES_URL, REDIS_URL, redisAnswers } from './local-services';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    templateDatabase: string;
    redisUrl: string | null;
  }
}

const NO_REDIS = (url: string) =>
  `\n${'!'.repeat(72)}\n!! Redis does not answer at ${url}: every test that needs Redis was SKIPPED.\n` +
  `!! Start Redis (or set TEST_REDIS_URL) to run them; CI sets HERALD_TEST_REQUIRE_REDIS=1.\n${'!'.repeat(72)}\n`;

/**
 * Migrates one template database per run; each test file clones it with
 * CREATE DATABASE ... TEMPLATE (a file copy, ~100 ms), so files run in parallel
 * on databases of their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = `herald_template_${process.pid}`;
  await createMigratedDatabase(POSTGRES_URL, template);
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();

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
