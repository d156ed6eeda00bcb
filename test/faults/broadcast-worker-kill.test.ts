import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastView } from '@herald/notifications';
import { eventually } from '../support/eventually';
import { aTemplate } from '../support/factories';
import { testEnv } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { queueBackends } from '../support/queue-backends';
import { subscribedTopic } from '../support/topics';
import { WebhookReceiver } from '../support/webhook-receiver';

const WORKER = 'dist/apps/worker/src/main.js';
const SUBSCRIBERS = 2000;
const secret = `whsec_${randomBytes(32).toString('base64')}`;

/**
 * A worker killed with SIGKILL in the middle of a broadcast's fan-out: a new worker resumes after the last page
 * the dead one committed, and every subscriber gets exactly one notification (and its webhook).
 */
describe.each(queueBackends())('a worker killed mid-fan-out on the $name queue backend', (backend) => {
  const { skip } = backend;
  const receiver = new WebhookReceiver(secret);
  const installation = useHerald({ backend, peers: [receiver], app: false });
  let child: ChildProcess | undefined;

  beforeAll(() => {
    if (!skip && !existsSync(WORKER)) throw new Error(`${WORKER} is missing: npm test builds it first (npm run build)`);
  });
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it.skipIf(skip)(
    'resumes where it stopped: one notification per subscriber, none twice, none missing',
    async () => {
      const shared = {
        ...backend.env,
        WEBHOOK_SECRET: secret,
        WEBHOOK_ALLOW_PRIVATE: 'true',
        BROADCAST_BATCH_SIZE: '20',
        RECONCILE_INTERVAL_MS: '500',
        DELIVERY_SENDING_LEASE_MS: '2000',
      };
      const api = await installation.start({ apps: ['api'], env: shared });
      const topic = `kill-${backend.name.toLowerCase()}`;
      await subscribedTopic({ pg: installation.pg, admin: api.admin }, topic, SUBSCRIBERS, (id) =>
        receiver.url(`/${id}`),
      );
      await api.admin.put(`/v1/admin/templates/${topic}`, aTemplate({ channels: { webhook: { payload: { a: 1 } } } }));

      child = spawn(process.execPath, [WORKER], {
        env: { ...process.env, ...testEnv(installation.db.url, { ...shared, REDIS_PREFIX: api.config.redis.prefix }) },
        stdio: 'ignore',
      });
      const sent = await api.admin.post<{ broadcastId: string }>('/v1/notifications', {
        template: topic,
        to: { topic },
      });
      expect(sent.status).toBe(202);
      const { broadcastId } = sent.body;
      const created = async () =>
        (
          await installation.pg.query<{ created: number }>(`SELECT created FROM broadcasts WHERE id = $1`, [
            broadcastId,
          ])
        ).rows[0].created;
      await eventually(async () => (await created()) >= 200, {
        what: 'the fan-out to be under way',
        timeoutMs: 60_000,
      });

      // Hold the broadcast's row: the child's next page waits for it, mid-fan-out, and dies there.
      const holder = new Client({ connectionString: installation.db.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        const { rows } = await holder.query<{ created: number; status: string }>(
          `SELECT created, status FROM broadcasts WHERE id = $1 FOR UPDATE`,
          [broadcastId],
        );
        expect(rows[0].status).toBe('fanning_out');
        expect(rows[0].created).toBeLessThan(SUBSCRIBERS);
        child.kill('SIGKILL');
        await new Promise((resolve) => child!.once('exit', resolve));
        await holder.query('ROLLBACK');
      } finally {
        await holder.end();
      }

      await installation.start({
        apps: ['worker'],
        env: { ...shared, REDIS_PREFIX: api.config.redis.prefix, ADMIN_API_KEY: api.adminKey },
      });
      const done = await eventually(
        async () => {
          const view = (await api.admin.get<BroadcastView>(`/v1/broadcasts/${broadcastId}`)).body;
          return view.status === 'completed' && view;
        },
        { what: 'the fan-out to resume and complete', timeoutMs: 90_000 },
      );
      expect(done).toMatchObject({ total: SUBSCRIBERS, created: SUBSCRIBERS, skipped: 0 });
      const { rows } = await installation.pg.query<{ n: number; recipients: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT recipient_id)::int AS recipients FROM notifications
         WHERE broadcast_id = $1`,
        [broadcastId],
      );
      expect(rows[0]).toEqual({ n: SUBSCRIBERS, recipients: SUBSCRIBERS });

      // Every subscriber's webhook arrives; a delivery cut mid-send by the kill may arrive twice (at least once),
      // but always with its one delivery id: no subscriber has two deliveries.
      await eventually(() => new Set(receiver.received.map((hook) => hook.path)).size === SUBSCRIBERS, {
        what: `${SUBSCRIBERS} subscribers' webhooks`,
        timeoutMs: 90_000,
      });
      const deliveryIds = new Map<string, Set<string>>();
      for (const hook of receiver.received) {
        deliveryIds.set(hook.path, (deliveryIds.get(hook.path) ?? new Set()).add(hook.headers['webhook-id']));
      }
      expect([...deliveryIds.values()].every((ids) => ids.size === 1)).toBe(true);
    },
    240_000,
  );
});
