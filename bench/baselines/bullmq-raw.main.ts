import { randomBytes } from 'node:crypto';
import { BackendFactory, createPostgresBackend, createRedisBackend, Queue, Worker } from 'bullmq';

/**
 * Child process: raw BullMQ, `count` no-op jobs added in bulk (chunks of 1,000) and processed with
 * `concurrency` by a worker in the same process. Prints `{ "jobsPerSecond" }`, timed from the first add to the last
 * completion.
 */
interface Args {
  backend: 'redis' | 'postgres';
  url: string;
  count: number;
  concurrency: number;
}

async function main(): Promise<void> {
  const { backend, url, count, concurrency } = JSON.parse(process.env.BENCH_ARGS!) as Args;
  const name = `bench-raw-${randomBytes(3).toString('hex')}`;
  const redis = new URL(url);
  const [factory, connection, prefix] =
    backend === 'redis'
      ? [
          createRedisBackend,
          { host: redis.hostname, port: Number(redis.port || 6379), maxRetriesPerRequest: null },
          `bench-raw-${randomBytes(3).toString('hex')}`,
        ]
      : [createPostgresBackend, { connectionString: url, schema: 'bullmq', migrate: true, max: 10 }, undefined];
  const queue = new Queue(name, { connection, prefix }, factory as BackendFactory<never, unknown>);
  await queue.waitUntilReady();
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const started = performance.now();
  const worker = new Worker(
    name,
    () => Promise.resolve(),
    { connection, prefix, concurrency },
    factory as BackendFactory<never, unknown>,
  );
  worker.on('completed', () => ++done === count && finish());
  for (let i = 0; i < count; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({
        name: 'noop',
        data: { i: i + j },
        opts: { removeOnComplete: true, removeOnFail: true },
      })),
    );
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  process.stdout.write(`${JSON.stringify({ jobsPerSecond: count / seconds })}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
