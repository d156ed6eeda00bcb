import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Child, startChild, stopChild } from '../support/child-process';
import { createTestDatabase, TestDatabase } from '../support/database';

const REQUESTS = 800;
const SEED = 20261203;

/**
 * The short run of `npm run fuzz` (fuzz/run.ts): a fixed seed and 800 requests generated from the document,
 * against a Herald of the fuzzer's own on this file's database. It runs the compiled fuzzer, as `npm run fuzz`
 * does: only the build's @nestjs/swagger plugin puts the DTOs' fields into /docs-json, and they are what the
 * requests are generated from.
 */
describe('npm run fuzz (short run)', () => {
  let db: TestDatabase;
  let child: Child | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    if (child) await stopChild(child);
    await db?.drop();
  });

  it(
    `answers ${REQUESTS} generated requests with no 5xx, problem documents and no change on refusal`,
    { timeout: 300_000 },
    async () => {
      child = startChild(process.execPath, ['dist/fuzz/run.js'], {
        env: {
          PATH: process.env.PATH,
          TEST_POSTGRES_URL: inject('postgresUrl'),
          FUZZ_DATABASE_URL: db.url,
          FUZZ_REDIS_URL: inject('redisUrl') ?? '',
          FUZZ_SEED: String(SEED),
          FUZZ_REQUESTS: String(REQUESTS),
        },
      });
      const code = await child.exited;
      const output = child.output();
      expect(output.trimEnd().split('\n').at(-1), output).toBe(`fuzz: requests=${REQUESTS} 5xx=0`);
      expect(code, output).toBe(0);
    },
  );
});
