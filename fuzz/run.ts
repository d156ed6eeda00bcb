import { randomBytes } from 'node:crypto';
import {
  createMigratedDatabase,
  dropDatabase,
  POSTGRES_URL,
  REDIS_URL,
  redisAnswers,
} from '../test/support/local-services';
import { ChangeLog } from './changes';
import { fuzz } from './fuzzer';
import { HeraldUnderTest, startHeraldUnderTest } from './herald';
import { randomSeed } from './prng';
import { report, traceLine } from './report';

/**
 * `npm run fuzz`: requests generated from Herald's own OpenAPI document (valid, boundary and hostile) against a
 * Herald of its own on a fresh database. Fails (exit 1) on any 5xx, any 4xx that is not a problem document, any
 * refused request that changed data, Herald exiting or not ready at the end. The last line is always
 * `fuzz: requests=N 5xx=N`.
 *
 * FUZZ_SEED replays a run (printed first); FUZZ_REQUESTS (default 10000); FUZZ_ROUTES, a regular expression over
 * `METHOD /path`; FUZZ_DATABASE_URL, an empty migrated database to use instead of creating one (the CI test passes
 * its own); FUZZ_REDIS_URL ('' for none; default TEST_REDIS_URL when it answers); FUZZ_TIMEOUT_MS per request;
 * FUZZ_KEEP_DATABASE=1 keeps the database it created, to look at afterwards; FUZZ_TRACE=1 prints every request.
 */
async function main(): Promise<number> {
  const env = process.env;
  const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) >>> 0 : randomSeed();
  const requests = Number(env.FUZZ_REQUESTS ?? 10_000);
  const routes = env.FUZZ_ROUTES ? new RegExp(env.FUZZ_ROUTES) : undefined;
  if (!Number.isInteger(requests) || requests < 0)
    throw new Error(`FUZZ_REQUESTS must be a count, got ${env.FUZZ_REQUESTS}`);
  console.log(
    `fuzz: seed=${seed} requests=${requests} (replay: FUZZ_SEED=${seed} FUZZ_REQUESTS=${requests} npm run fuzz)`,
  );

  const created = env.FUZZ_DATABASE_URL ? undefined : `herald_fuzz_${randomBytes(4).toString('hex')}`;
  const databaseUrl = env.FUZZ_DATABASE_URL ?? (await createMigratedDatabase(POSTGRES_URL, created!));
  const redisCandidate = env.FUZZ_REDIS_URL ?? REDIS_URL;
  const redisUrl = redisCandidate && (await redisAnswers(redisCandidate)) ? redisCandidate : undefined;
  console.log(`fuzz: database ${created ?? databaseUrl}, queues on ${redisUrl ? 'Redis' : 'PostgreSQL'}`);

  let herald: HeraldUnderTest | undefined;
  let changes: ChangeLog | undefined;
  try {
    changes = await ChangeLog.install(databaseUrl);
    herald = await startHeraldUnderTest(databaseUrl, redisUrl);
    const result = await fuzz(herald, changes, {
      seed,
      requests,
      routes,
      timeoutMs: Number(env.FUZZ_TIMEOUT_MS ?? 30_000),
      progress: (line) => console.log(line),
      trace: env.FUZZ_TRACE === '1' ? (request, response) => console.log(traceLine(request, response)) : undefined,
    });
    const exitCode = herald.exitCode() === undefined ? await herald.stop() : herald.exitCode();
    report(result, herald.loggedErrors(), (line) => console.log(line));
    if (exitCode !== 0 && !result.failures.length) {
      result.failures.push({ kind: 'Herald exited', route: '-', detail: `stopping it exited ${exitCode}` });
      console.log(`\nHerald's shutdown exited ${exitCode}:\n${herald.output().slice(-2000)}`);
    }
    console.log(`fuzz: seed=${seed} failures=${result.failures.length}`);
    console.log(`fuzz: requests=${result.sent} 5xx=${result.fiveXx}`);
    return result.failures.length ? 1 : 0;
  } finally {
    if (herald?.exitCode() === undefined) await herald?.stop();
    await changes?.close();
    if (created && env.FUZZ_KEEP_DATABASE !== '1') await dropDatabase(POSTGRES_URL, created);
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    console.log('fuzz: requests=0 5xx=0');
    process.exit(1);
  },
);
