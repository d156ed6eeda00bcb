import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitDelivered } from '../herald/drain';
import { HeraldStack } from '../herald/herald-stack';
import { Sizes } from '../herald/measure-backend';
import { log } from '../support/log';
import { WebhookReceiver } from '../herald/receiver';
import { sendOne } from '../herald/send';
import { RESULTS_DIR } from '../report/record';
import { AcceptCost, acceptCost } from './accept-cost';
import { ProfileSummary, summarizeProfile, summaryMarkdown } from './cpu-profile';
import { countRedisCommands, countStatements } from './round-trips';

export interface AcceptProfile {
  file: string;
  summary: ProfileSummary;
  batchSummary: ProfileSummary;
  cost: AcceptCost;
  roundTrips: { accept: Counts; delivery: Counts };
  markdown: string;
}

interface Counts {
  sql: number;
  redis: { total: number; byCommand: Record<string, number> };
}

/** SQL statements and Redis commands of the stack's database and prefix while `work` runs. */
async function counted(stack: HeraldStack, work: () => Promise<void>): Promise<Counts> {
  let sql = 0;
  const redis = await countRedisCommands(stack.prefix, async () => {
    sql = await countStatements(stack.databaseName, work);
  });
  return { sql, redis };
}

function minus(a: Counts, b: Counts): Counts {
  const byCommand = { ...a.redis.byCommand };
  for (const [command, n] of Object.entries(b.redis.byCommand)) byCommand[command] = (byCommand[command] ?? 0) - n;
  return { sql: a.sql - b.sql, redis: { total: a.redis.total - b.redis.total, byCommand } };
}

/** Client round trips (a script's own calls are not), and the commands by name. */
function describe(counts: Counts): string {
  const inScripts = Object.entries(counts.redis.byCommand)
    .filter(([command]) => command.endsWith('(in a script)'))
    .reduce((sum, [, n]) => sum + n, 0);
  const commands = Object.entries(counts.redis.byCommand)
    .filter(([, n]) => n !== 0)
    .sort((x, y) => y[1] - x[1])
    .map(([command, n]) => `${command} ${n}`)
    .join(', ');
  return `${counts.sql} SQL statements, ${counts.redis.total - inScripts} Redis commands (+ ${inScripts} run inside Lua scripts): ${commands}`;
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
 * The api's CPU profile and CPU cost per accept (no worker, so the api's figures are its own): single accepts
 * under autocannon, then batches of 1,000, each phase summarized on its own; and the round trips of one accept and
 * one delivery: SQL statements from the server's statement log, Redis commands from MONITOR (fewest of 3).
 */
export async function profileAccept(sizes: Sizes): Promise<AcceptProfile> {
  const dir = join(RESULTS_DIR, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  log('profile', `api CPU profile and cost of single and batch accepts, into ${dir}`);
  const cost = await withStack({ backend: 'redis', label: 'profile', apiCpuProfileDir: dir, noWorker: true }, (stack) =>
    acceptCost(stack, sizes.connections, sizes.singleSeconds, sizes.batch.batches),
  );
  const file = join(
    dir,
    readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))!,
  );
  const summary = summarizeProfile(file, ...cost.windows.single);
  const batchSummary = summarizeProfile(file, ...cost.windows.batch);

  log('profile', 'round trips of one accept and one delivery');
  const roundTrips = await withStack(
    { backend: 'redis', label: 'roundtrips', databaseSettings: { log_statement: 'all' }, noWorker: true },
    async (stack) => {
      // The third of three of each, caches warm; the accept alone first (no worker), then accept + delivery.
      let accept: Counts = { sql: 0, redis: { total: 0, byCommand: {} } };
      for (let i = 0; i < 3; i++) accept = await counted(stack, () => sendOne(stack.target, i).then(() => undefined));
      await stack.addWorker();
      let both: Counts = accept;
      for (let i = 0; i < 3; i++) {
        both = await counted(stack, async () => waitDelivered(stack, [await sendOne(stack.target, i)], 'round trips'));
      }
      return { accept, delivery: minus(both, accept) };
    },
  );
  return { file, summary, batchSummary, cost, roundTrips, markdown: markdown(summary, batchSummary, cost, roundTrips) };
}

function markdown(
  summary: ProfileSummary,
  batchSummary: ProfileSummary,
  cost: AcceptCost,
  trips: AcceptProfile['roundTrips'],
): string {
  return [
    `api CPU time per accept (no worker; /proc of the api process): single ${cost.singleMs.toFixed(2)} ms ` +
      `(${cost.singleRequests} requests), batch ${(cost.batchItemMs * 1000).toFixed(0)} µs per item ` +
      `(${cost.batchItems} items in batches of 1,000); at rest it uses ${cost.idleMsPerSecond.toFixed(0)} ms a second, ` +
      'subtracted.',
    '',
    ...summaryMarkdown('api CPU profile, single accept', summary),
    ...summaryMarkdown('api CPU profile, batch accept', batchSummary),
    `Round trips of one accept (statement log of a fresh database, Redis MONITOR of the stack's prefix): ${describe(trips.accept)}.`,
    '',
    `One delivery (accept + delivery, less the accept; the worker's idle polling in that second included): ${describe(trips.delivery)}.`,
  ].join('\n');
}
