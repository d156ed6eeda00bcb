import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BroadcastView } from '@herald/notifications';
import { eventually } from '../support/eventually';
import { aTemplate } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { readNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { countRows } from '../support/sql';
import { subscribedTopic } from '../support/topics';
import { WebhookReceiver } from '../support/webhook-receiver';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const SUBSCRIBERS = 2000;

describe.each(queueBackends())('a broadcast to a topic on the $name queue backend', (backend) => {
  const receiver = new WebhookReceiver(secret);
  const herald = useHerald({
    backend,
    peers: [receiver],
    env: { WEBHOOK_SECRET: secret, WEBHOOK_ALLOW_PRIVATE: 'true', BROADCAST_BATCH_SIZE: '300' },
    timeoutMs: 60_000,
  });

  it.skipIf(backend.skip)(
    'makes one notification per subscriber, each delivered once, with its own preferences',
    async () => {
      const topic = `launch-${backend.name.toLowerCase()}`;
      const ids = await subscribedTopic(herald, topic, SUBSCRIBERS, (id) => receiver.url(`/${id}`));
      // One subscriber opted out of webhooks: its notification is made, its delivery skipped.
      const optedOut = ids[7];
      await herald.pg.query(`UPDATE recipients SET preferences = '{"channels":{"webhook":false}}' WHERE id = $1`, [
        optedOut,
      ]);
      await herald.admin.put(`/v1/admin/templates/${topic}`, {
        ...aTemplate({ channels: { webhook: { payload: { launch: '{{name}}' } } } }),
      });

      const sent = await herald.admin.post<{ broadcastId: string; status: string }>('/v1/notifications', {
        template: topic,
        to: { topic },
        data: { name: 'Herald 2' },
      });
      expect(sent.status).toBe(202);
      const { broadcastId } = sent.body;

      const done = await eventually(
        async () => {
          const view = (await herald.admin.get<BroadcastView>(`/v1/broadcasts/${broadcastId}`)).body;
          return view.status === 'completed' && view;
        },
        { what: 'the fan-out to complete', timeoutMs: 60_000 },
      );
      expect(done).toMatchObject({ topic, total: SUBSCRIBERS, created: SUBSCRIBERS, skipped: 0 });

      await eventually(() => receiver.received.length >= SUBSCRIBERS - 1, {
        what: `${SUBSCRIBERS - 1} webhooks`,
        timeoutMs: 90_000,
      });
      const byPath = new Map<string, number>();
      for (const hook of receiver.received) byPath.set(hook.path, (byPath.get(hook.path) ?? 0) + 1);
      expect(byPath.size).toBe(SUBSCRIBERS - 1);
      expect([...byPath.values()].every((n) => n === 1)).toBe(true);
      expect(byPath.has(`/${optedOut}`)).toBe(false);
      expect(JSON.parse(receiver.received[0].body)).toEqual({ launch: 'Herald 2' });

      expect(await countRows(herald.pg, 'notifications WHERE broadcast_id = $1', [broadcastId])).toBe(SUBSCRIBERS);
      const { rows } = await herald.pg.query<{ id: string }>(
        `SELECT id FROM notifications WHERE broadcast_id = $1 AND recipient_id = $2`,
        [broadcastId, optedOut],
      );
      const skipped = await readNotification(herald.admin, rows[0].id);
      expect(skipped).toMatchObject({
        broadcastId,
        recipientId: optedOut,
        status: 'completed',
        deliveries: [{ status: 'skipped', reason: 'opted_out' }],
      });
    },
    180_000,
  );
});
