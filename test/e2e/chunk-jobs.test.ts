import { randomBytes } from 'node:crypto';
import { DeliveryQueue } from '@herald/core';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import type { BatchResponse } from '../support/api-types';
import { eventually } from '../support/eventually';
import { aWebhook } from '../support/factories';
import { HeraldHarness, useHerald } from '../support/herald-harness';
import type { RunningHerald } from '../support/herald-app';
import { queueBackends } from '../support/queue-backends';
import { WebhookReceiver } from '../support/webhook-receiver';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const redisUrl = inject('redisUrl');
/** Four slots per worker, so a batch of 30 goes out as four chunk jobs of 8, 8, 8 and 6. */
const WORKER = { WORKER_CONCURRENCY: '4', DELIVERY_BACKOFF_MS: '50', WEBHOOK_SECRET: secret };

async function sendBatch(api: RunningHerald, receiver: WebhookReceiver, tag: string, count = 30) {
  const notifications = Array.from({ length: count }, (_, n) =>
    aWebhook(receiver.url(`/${tag}/${n}`), { n: '{{n}}' }, { data: { n } }),
  );
  const response = await api.admin.post<BatchResponse>('/v1/notifications/batch', { notifications });
  expect(response.status).toBe(202);
  return response.body.items.map((item) => String(item.id));
}

/** The jobs waiting on the webhook queue, by name. */
async function waitingJobs(api: RunningHerald): Promise<Record<string, number>> {
  const jobs = await api.app.get(DeliveryQueue).queue('webhook').getJobs(['wait', 'prioritized', 'delayed']);
  const names: Record<string, number> = {};
  for (const job of jobs) names[job.name] = (names[job.name] ?? 0) + 1;
  return names;
}

async function allSettled(herald: HeraldHarness, ids: string[]) {
  await eventually(
    async () => {
      const { rows } = await herald.pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notifications WHERE id = ANY($1) AND status = 'completed'`,
        [ids],
      );
      return rows[0].n === ids.length;
    },
    { what: 'every notification completed', timeoutMs: 30_000 },
  );
}

describe.each(queueBackends())('chunk jobs on the $name queue backend', (backend) => {
  const receiver = new WebhookReceiver(secret);
  const herald = useHerald({ backend, peers: [receiver], app: false, skip: backend.skip });
  const prefix = `herald-chunks-${randomBytes(4).toString('hex')}`;
  const env = { ...WORKER, WEBHOOK_ALLOW_PRIVATE: 'true', REDIS_PREFIX: prefix };

  it.skipIf(backend.skip)(
    'delivers a batch enqueued as chunk jobs once each, a failed one retried on its own',
    async () => {
      const api = await herald.start({ apps: ['api'], env });
      // The third item's receiver fails once: its delivery is retried as a job of its own, the others are not.
      receiver.script('/retry/2', { status: 503 });
      const ids = await sendBatch(api, receiver, 'retry');
      expect(await waitingJobs(api)).toEqual({ 'deliver-chunk': 4 });

      // No reconciler pass in this test's time: the retry can only come from its own job.
      await herald.start({
        apps: ['worker'],
        env: { ...env, RECONCILE_INTERVAL_MS: '600000', ADMIN_API_KEY: api.adminKey },
      });
      await allSettled(herald, ids);
      for (let n = 0; n < 30; n++) expect(receiver.to(`/retry/${n}`)).toHaveLength(n === 2 ? 2 : 1);
      const { rows } = await herald.pg.query<{ attempts: number; outcomes: string[] }>(
        `SELECT d.attempts, array_agg(a.outcome ORDER BY a.attempt) AS outcomes
         FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id
         WHERE d.notification_id = $1 GROUP BY d.id`,
        [ids[2]],
      );
      expect(rows).toEqual([{ attempts: 2, outcomes: ['transient_error', 'ok'] }]);
    },
    60_000,
  );

  it.skipIf(backend.skip || backend.name !== 'Redis')(
    'delivers the deliveries of chunk jobs that Redis lost, through the reconciler',
    async () => {
      const wipedPrefix = `${prefix}-wiped`;
      const api = await herald.start({ apps: ['api'], env: { ...env, REDIS_PREFIX: wipedPrefix } });
      const ids = await sendBatch(api, receiver, 'wiped');
      expect(await waitingJobs(api)).toEqual({ 'deliver-chunk': 4 });

      // Redis restarts empty: the chunk jobs are gone, the rows are still `queued`.
      const redis = new Redis(redisUrl!);
      const keys = await redis.keys(`${wipedPrefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
      await redis.quit();

      await herald.start({
        apps: ['worker'],
        env: { ...env, REDIS_PREFIX: wipedPrefix, RECONCILE_INTERVAL_MS: '200', ADMIN_API_KEY: api.adminKey },
      });
      await allSettled(herald, ids);
      for (let n = 0; n < 30; n++) expect(receiver.to(`/wiped/${n}`)).toHaveLength(1);
    },
    60_000,
  );
});
