import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { createApiApp } from '@herald/api';
import { createRedisBackend, createPostgresBackend, Queue, Worker } from 'bullmq';
import { DatabaseRuntime, ensureDatabase, loadConfig, redisOptions, runMigrations } from '@herald/core';
import { WorkerModule } from '@herald/worker';
import { Client } from 'pg';

/**
 * `npm run bench`: Herald's figures as ratios against baselines measured in the
 * same run on the same machine (a bare endpoint, raw BullMQ), since absolute
 * numbers on a shared machine mean little.
 */
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_N ?? 2000);
const CONCURRENCY = 32;

interface Row {
  name: string;
  herald: number;
  baseline: number;
  unit: string;
  baselineName: string;
}

async function freshDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: POSTGRES });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  await runMigrations(url.toString());
  return url.toString();
}

/** Runs `count` calls of `call` with `concurrency` in flight; answers calls per second. */
async function rate(count: number, concurrency: number, call: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function startHerald(databaseUrl: string, redisUrl: string | undefined, worker: boolean) {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DB_MIGRATE: 'false',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
    ADMIN_API_KEY: 'bench-key',
    LOG_LEVEL: 'error',
    MICROSERVICE_TRANSPORT: 'none',
    // The benchmark measures Herald, not the limiter: one key sends far more than a minute's quota.
    RATE_LIMIT_PER_MINUTE: '0',
  });
  const app: INestApplication = await createApiApp(
    config,
    new DatabaseRuntime(databaseUrl),
    worker ? [WorkerModule] : [],
  );
  app.useLogger(['error']);
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}` };
}

const body = JSON.stringify({
  content: { email: { subject: 'Order {{id}}', html: '<p>Hi {{name}}</p>', text: 'Hi {{name}}' } },
  to: { email: 'bench@example.com' },
  data: { id: 'A-1', name: 'Ada' },
});
const headers = { authorization: 'Bearer bench-key', 'content-type': 'application/json' };

async function post(base: string): Promise<string> {
  const response = await fetch(`${base}/v1/notifications`, { method: 'POST', headers, body });
  if (response.status !== 202) throw new Error(`send answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Accepting over HTTP (validate, render, commit, enqueue) against the bare liveness endpoint. */
async function acceptBench(databaseUrl: string): Promise<Row> {
  const { app, base } = await startHerald(databaseUrl, REDIS, false);
  await rate(200, CONCURRENCY, async () => void (await post(base)));
  const baseline = await rate(N, CONCURRENCY, async () => void (await (await fetch(`${base}/health/live`)).text()));
  const herald = await rate(N, CONCURRENCY, async () => void (await post(base)));
  await app.close();
  return {
    name: 'accept POST /v1/notifications (Redis)',
    herald,
    baseline,
    unit: 'req/s',
    baselineName: 'GET /health/live',
  };
}

/** Raw BullMQ: add N no-op jobs in bulk and process them, concurrency 50, on the given backend. */
async function rawQueue(backend: 'redis' | 'postgres', databaseUrl: string, count: number): Promise<number> {
  const name = `bench-raw-${randomBytes(3).toString('hex')}`;
  const [factory, connection, prefix] =
    backend === 'redis'
      ? [createRedisBackend, redisOptions(REDIS), `bench-${name}`]
      : [createPostgresBackend, { connectionString: databaseUrl, schema: 'bullmq', migrate: true }, undefined];
  const queue = new Queue(name, { connection, prefix }, factory as never);
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const started = process.hrtime.bigint();
  const worker = new Worker(name, () => Promise.resolve(), { connection, prefix, concurrency: 50 }, factory as never);
  worker.on('completed', () => ++done === count && finish());
  for (let i = 0; i < count; i += 500) {
    await queue.addBulk(
      Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
        name: 'noop',
        data: { i: i + j },
        opts: { removeOnComplete: true },
      })),
    );
  }
  await finished;
  const perSecond = count / (Number(process.hrtime.bigint() - started) / 1e9);
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  return perSecond;
}

/** Accept and deliver (captured email) end to end, monolith, against raw BullMQ add+process. */
async function deliverBench(backend: 'redis' | 'postgres', databaseUrl: string, count: number): Promise<Row> {
  const baseline = await rawQueue(backend, databaseUrl, count);
  const { app, base } = await startHerald(databaseUrl, backend === 'redis' ? REDIS : undefined, true);
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const started = process.hrtime.bigint();
  await rate(count, CONCURRENCY, async () => void (await post(base)));
  for (;;) {
    const { rows } = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries WHERE status IN ('queued', 'sending')`,
    );
    if (rows[0].n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const herald = count / (Number(process.hrtime.bigint() - started) / 1e9);
  await pg.end();
  await app.close();
  return {
    name: `accept + deliver email, ${backend} queues`,
    herald,
    baseline,
    unit: 'notifications/s',
    baselineName: `raw BullMQ add+process (${backend})`,
  };
}

async function main(): Promise<void> {
  // A database each: deliveries left queued by one benchmark must not be waited for by the next.
  const rows: Row[] = [];
  rows.push(await acceptBench(await freshDatabase('herald_bench_accept')));
  rows.push(await deliverBench('redis', await freshDatabase('herald_bench_redis'), N));
  rows.push(await deliverBench('postgres', await freshDatabase('herald_bench_pg'), Math.round(N / 4)));

  console.log('\n| benchmark | Herald | baseline | ratio |\n| --- | --- | --- | --- |');
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${row.herald.toFixed(0)} ${row.unit} | ${row.baseline.toFixed(0)} (${row.baselineName}) | ${(row.herald / row.baseline).toFixed(3)} |`,
    );
  }
  await mkdir('bench/results', { recursive: true });
  await writeFile(
    'bench/results/latest.json',
    JSON.stringify(
      {
        at: new Date().toISOString(),
        n: N,
        concurrency: CONCURRENCY,
        rows: rows.map((r) => ({ ...r, ratio: r.herald / r.baseline })),
      },
      null,
      2,
    ) + '\n',
  );
  console.log('\nwritten to bench/results/latest.json');
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
