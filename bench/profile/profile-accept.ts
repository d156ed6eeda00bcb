import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitDelivered } from '../herald/drain';
import { HeraldStack } from '../herald/herald-stack';
import { Sizes } from '../herald/measure-backend';
import { log } from '../support/log';
import { WebhookReceiver } from '../herald/receiver';
import { sendOne } from '../herald/send';
import { singleAccept } from '../herald/single-accept';
import { RESULTS_DIR } from '../report/record';
import { ProfileSummary, summarizeProfile } from './cpu-profile';
import { countRedisCommands, countStatements } from './round-trips';

export interface AcceptProfile {
  file: string;
  summary: ProfileSummary;
  roundTrips: { acceptSql: number; acceptRedis: number; deliverySql: number; deliveryRedis: number };
  markdown: string;
}

/** One stack on the Redis backend; the receiver is stopped with it. */
async function withStack<T>(
  options: Parameters<typeof HeraldStack.start>[0],
  work: (stack: HeraldStack) => Promise<T>,
): Promise<T> {
  const receiver = new WebhookReceiver();
  const stack = await HeraldStack.start(options, receiver, await receiver.start());
  try {
    return await work(stack);
  } finally {
    await stack.stop();
    await receiver.stop();
  }
}

/**
 * The api's CPU profile during single accept (worker delivering meanwhile), and the round trips of one accept
 * and one delivery: SQL statements from the server's statement log, Redis commands from MONITOR (fewest of 3).
 */
export async function profileAccept(sizes: Sizes): Promise<AcceptProfile> {
  const dir = join(RESULTS_DIR, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  log('profile', `api CPU profile during single accept, into ${dir}`);
  let window = [0, 0];
  await withStack({ backend: 'redis', label: 'profile', apiCpuProfileDir: dir }, async (stack) => {
    await singleAccept(stack, sizes.connections, sizes.warmupSeconds, sizes.warmupSeconds);
    const from = Number(process.hrtime.bigint() / 1000n);
    await singleAccept(stack, sizes.connections, sizes.singleSeconds, 1);
    window = [from, Number(process.hrtime.bigint() / 1000n)];
  });
  const file = join(
    dir,
    readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))!,
  );
  const summary = summarizeProfile(file, window[0], window[1]);

  log('profile', 'round trips of one accept and one delivery');
  const roundTrips = await withStack(
    { backend: 'redis', label: 'roundtrips', databaseSettings: { log_statement: 'all' }, noWorker: true },
    async (stack) => {
      const accept = { sql: Infinity, redis: Infinity };
      const both = { sql: Infinity, redis: Infinity };
      for (let i = 0; i < 3; i++) {
        accept.redis = Math.min(
          accept.redis,
          await countRedisCommands(stack.prefix, async () => {
            accept.sql = Math.min(
              accept.sql,
              await countStatements(stack.databaseName, () => sendOne(stack.target, i).then(() => undefined)),
            );
          }),
        );
      }
      await stack.addWorker();
      for (let i = 0; i < 3; i++) {
        both.redis = Math.min(
          both.redis,
          await countRedisCommands(stack.prefix, async () => {
            both.sql = Math.min(
              both.sql,
              await countStatements(stack.databaseName, async () =>
                waitDelivered(stack, [await sendOne(stack.target, i)], 'round trips'),
              ),
            );
          }),
        );
      }
      return {
        acceptSql: accept.sql,
        acceptRedis: accept.redis,
        deliverySql: both.sql - accept.sql,
        deliveryRedis: both.redis - accept.redis,
      };
    },
  );
  return { file, summary, roundTrips, markdown: markdown(summary, roundTrips) };
}

function markdown(summary: ProfileSummary, trips: AcceptProfile['roundTrips']): string {
  return [
    `api CPU profile, single accept (${summary.totalMs} ms sampled), self time by category:`,
    '',
    summary.categories.map((c) => `${c.name} ${c.percent} %`).join(', '),
    '',
    'Top functions by self time:',
    '',
    '| function | where | self % |',
    '| --- | --- | --- |',
    ...summary.functions.map((f) => `| ${f.name} | ${f.where} | ${f.percent} |`),
    '',
    `Round trips: one accept ${trips.acceptSql} SQL statements + ${trips.acceptRedis} Redis commands; ` +
      `one delivery ${trips.deliverySql} SQL statements + ${trips.deliveryRedis} Redis commands.`,
  ].join('\n');
}
