import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { HeraldPatterns } from '@herald/client';
import { freePort } from '@herald/core';
import { createShopApp } from '@herald/example-shop';
import { Client } from 'pg';
import { firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Child, startChild, stopChild } from '../support/child-process';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { is } from '../support/matchers';
import { deleteQueue, rabbitmqAvailable, RABBITMQ_URL, readyMessages } from '../support/rabbitmq';

const API = 'dist/apps/api/src/main.js';

/**
 * RabbitMQ acks after commit (apps/api/src/transport/rmq-settlement.ts): Herald's api runs as a child process
 * consuming a queue of this file's own, and the example shop (apps/example-shop) emits order events to it
 * through HeraldClientModule.
 */
describe('the RabbitMQ transport acks a message only once its notification is committed', () => {
  const installation = useHerald({ app: false });
  const queue = `herald-ack-${randomBytes(4).toString('hex')}`;
  const token = `mst-${randomBytes(12).toString('hex')}`;
  let rabbitmq = false;
  let api: Child | undefined;
  let shop: INestApplication | undefined;
  let shopUrl: string;

  async function startApi(): Promise<Child> {
    const port = await freePort();
    const env = testEnv(installation.db.url, {
      PORT: String(port),
      LOG_LEVEL: 'warn',
      MICROSERVICE_TRANSPORT: 'rmq',
      RABBITMQ_URL,
      RABBITMQ_QUEUE: queue,
      MICROSERVICE_TOKEN: token,
    });
    const child = startChild(process.execPath, ['scripts/start.mjs', 'api'], { env: { ...process.env, ...env } });
    await eventually(
      async () => child.process.exitCode === null && (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok,
      { timeoutMs: 60_000, intervalMs: 200, what: 'the api to be ready' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${child.output()}`);
    });
    return child;
  }

  async function shipped(orderId: string): Promise<void> {
    const response = await fetch(`${shopUrl}/orders/${orderId}/shipped`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${orderId}@example.com`, trackingCode: 'TRK-1' }),
    });
    expect(response.status).toBe(202);
  }

  async function notificationsOf(orderId: string): Promise<number> {
    const { rows } = await installation.pg.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM notifications WHERE data->>'orderId' = $1`,
      [orderId],
    );
    return rows[0].count;
  }

  beforeAll(async () => {
    rabbitmq = await rabbitmqAvailable();
    if (!rabbitmq) return;
    if (!existsSync(API)) throw new Error(`${API} is missing: npm test builds it first (npm run build)`);
    shop = await createShopApp({ port: 0, rabbitmqUrl: RABBITMQ_URL, queue, heraldToken: token });
    await shop.listen(0, '127.0.0.1');
    shopUrl = await shop.getUrl();
  });

  afterAll(async () => {
    if (api) await stopChild(api);
    await shop?.close();
    if (rabbitmq) await deleteQueue(queue);
  });

  it(
    'redelivers an order event whose api was killed between receipt and commit: exactly one notification',
    {
      timeout: 240_000,
    },
    async ({ skip }) => {
      if (!rabbitmq) return skip();
      api = await startApi();
      const orderId = `order-${randomUUID()}`;

      // The insert of the notification waits on this lock, after the message's idempotency key is claimed:
      // the api is then between receipt and commit, deterministically.
      const lock = new Client({ connectionString: installation.db.url });
      await lock.connect();
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE notifications IN SHARE MODE');
      try {
        await shipped(orderId);
        await eventually(
          async () => {
            const { rows } = await installation.pg.query(
              `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'notifications' AND NOT l.granted
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
            );
            return rows.length > 0;
          },
          { timeoutMs: 30_000, what: "the api's insert to wait on the lock" },
        );
        const { rows: claims } = await installation.pg.query<{ key: string }>(
          `SELECT key FROM idempotency_keys WHERE api_key_id = 'transport' AND response_status IS NULL`,
        );
        expect(claims).toEqual([{ key: is.stringMatching(/^amqp-message:/) }]);
        api.process.kill('SIGKILL');
        await api.exited;
        // A crashed host's connections die with it; a killed process's waiting statement would live on in its
        // server backend (PostgreSQL notices the closed socket only when it next writes) and commit once the lock
        // goes, since a single send is one autocommitted statement. End it as the crash would.
        const { rows: ended } = await installation.pg.query<{ ended: boolean }>(
          `SELECT pg_terminate_backend(l.pid) AS ended FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
           WHERE c.relname = 'notifications' AND NOT l.granted
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        expect(ended).toEqual([{ ended: true }]);
      } finally {
        await lock.query('ROLLBACK');
        await lock.end();
      }
      expect(await notificationsOf(orderId)).toBe(0);

      // RabbitMQ gives the unacked message back; the new api finds the dead attempt's claim in flight, requeues
      // the message until that claim is abandoned (60 s), then commits it once.
      api = await startApi();
      await eventually(async () => (await notificationsOf(orderId)) > 0, {
        timeoutMs: 150_000,
        intervalMs: 500,
        what: 'the redelivered order event to be committed',
      });
      // Stopped, the api hands back whatever it has not acked: nothing may be left in the queue.
      expect(await stopChild(api)).toBe(0);
      expect(await readyMessages(queue)).toBe(0);
      expect(await notificationsOf(orderId)).toBe(1);
    },
  );

  it('acks a message refused for good (answered once, never redelivered)', { timeout: 120_000 }, async ({ skip }) => {
    if (!rabbitmq) return skip();
    api = await startApi();
    const client: ClientProxy = ClientProxyFactory.create({
      transport: Transport.RMQ,
      options: { urls: [RABBITMQ_URL], queue, queueOptions: { durable: true } },
    });
    try {
      const marker = randomUUID();
      const invalid = {
        to: { email: 'not-an-email' },
        content: { email: { subject: 's', text: 't' } },
        data: { marker },
      };
      const refusal = await firstValueFrom(
        client.send<unknown>(HeraldPatterns.send, { ...invalid, token }).pipe(timeout(15_000)),
      ).catch((error: unknown) => error);
      expect(refusal).toMatchObject({ status: 422, errors: [{ path: 'to.email' }] });

      await lastValueFrom(client.emit(HeraldPatterns.emit, { ...invalid, token }), { defaultValue: undefined });
      await eventually(() => api!.output().includes('notifications.emit refused'), {
        timeoutMs: 30_000,
        what: 'the api to refuse the event',
      });
      expect(await stopChild(api)).toBe(0);
      expect(await readyMessages(queue)).toBe(0);
      const { rows } = await installation.pg.query(`SELECT 1 FROM notifications WHERE data->>'marker' = $1`, [marker]);
      expect(rows).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
