import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { endToEnd } from '../herald/end-to-end';
import { HeraldStack } from '../herald/herald-stack';
import { Sizes } from '../herald/measure-backend';
import { WebhookReceiver } from '../herald/receiver';
import { REDIS_URL } from '../support/databases';
import { log } from '../support/log';
import { cpuMs } from '../support/rss';
import { RESULTS_DIR } from '../report/record';
import { monotonicUs, ProfileSummary, summarizeProfile, summaryMarkdown } from './cpu-profile';

export interface DeliveryProfile {
  file: string;
  summary: ProfileSummary;
  deliveriesPerSecond: number;
  /** CPU ms per delivery of each process during the end-to-end run. */
  perDelivery: { worker: number; api: number; redis: number; postgres: number; receiver: number };
  markdown: string;
}

/** redis-server's own CPU time (user + system), from INFO. */
async function redisCpuMs(): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    const info = await redis.info('cpu');
    const seconds = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000;
  } finally {
    redis.disconnect();
  }
}

/** CPU time of each PostgreSQL server process. */
function postgresCpu(): Map<number, number> {
  const pids = execFileSync('ps', ['-C', 'postgres', '-o', 'pid='], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const cpu = new Map<number, number>();
  for (const pid of pids.map(Number)) {
    try {
      cpu.set(pid, cpuMs(pid));
    } catch {
      // Gone between ps and the read.
    }
  }
  return cpu;
}

function postgresCpuSince(before: Map<number, number>): number {
  let total = 0;
  // A server process started meanwhile (a pool opening a connection) counts from its start.
  for (const [pid, ms] of postgresCpu()) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * The worker's side of end to end on the Redis backend: its CPU profile over one end-to-end run (the bench's
 * sizes), and the CPU time per delivery of the worker, the api and redis-server over the same window, so the
 * profile's shares can be read as milliseconds.
 */
export async function profileDelivery(sizes: Sizes): Promise<DeliveryProfile> {
  const dir = join(RESULTS_DIR, 'profiles', `worker-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  log('profile', `worker CPU profile during end to end, into ${dir}`);
  const receiver = new WebhookReceiver();
  const stack = await HeraldStack.start(
    { backend: 'redis', label: 'profile-worker', workerCpuProfileDir: dir },
    receiver,
    await receiver.start(),
  );
  let measured: Omit<DeliveryProfile, 'file' | 'summary' | 'markdown'>;
  let window: [number, number];
  try {
    const [worker] = stack.workers;
    const { batches, size } = sizes.endToEnd;
    const before = {
      worker: cpuMs(worker.pid),
      api: cpuMs(stack.api.pid),
      redis: await redisCpuMs(),
      postgres: postgresCpu(),
      // This process: the webhook receiver is most of what it does meanwhile.
      receiver: cpuMs(process.pid),
    };
    const from = monotonicUs();
    const deliveriesPerSecond = await endToEnd(stack, batches, size);
    window = [from, monotonicUs()];
    const count = batches * size;
    measured = {
      deliveriesPerSecond,
      perDelivery: {
        worker: (cpuMs(worker.pid) - before.worker) / count,
        api: (cpuMs(stack.api.pid) - before.api) / count,
        redis: ((await redisCpuMs()) - before.redis) / count,
        postgres: postgresCpuSince(before.postgres) / count,
        receiver: (cpuMs(process.pid) - before.receiver) / count,
      },
    };
  } finally {
    // The profile is written as the worker exits.
    await stack.stop();
    await receiver.stop();
  }
  const file = join(
    dir,
    readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))!,
  );
  const summary = summarizeProfile(file, ...window);
  const { worker, api, redis, postgres, receiver: receiverMs } = measured.perDelivery;
  const markdown = [
    `End to end with the worker profiled (${sizes.endToEnd.batches} × ${sizes.endToEnd.size}, Redis): ` +
      `${Math.round(measured.deliveriesPerSecond)} deliveries/s; CPU per delivery: worker ${worker.toFixed(2)} ms, ` +
      `api ${api.toFixed(2)} ms, PostgreSQL ${postgres.toFixed(2)} ms, redis-server ${redis.toFixed(2)} ms, the bench ` +
      `process (the webhook receiver) ${receiverMs.toFixed(2)} ms.`,
    '',
    ...summaryMarkdown('worker CPU profile, end to end', summary),
  ].join('\n');
  return { file, summary, ...measured, markdown };
}
