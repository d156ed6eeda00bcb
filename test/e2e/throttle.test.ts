import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AcceptedNotification, NotificationHistoryItem, Page } from '../support/api-types';
import { eventually } from '../support/eventually';
import { aTemplate } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { readNotification, settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { WebhookReceiver } from '../support/webhook-receiver';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const SENDS = 50;

/** Throttles (API.md §9), exact under concurrency: decided at accept time on a row-locked count in PostgreSQL. */
describe.each(queueBackends())('a throttled template on the $name queue backend', (backend) => {
  const tag = backend.name.toLowerCase();
  const receiver = new WebhookReceiver(secret);
  const herald = useHerald({
    backend,
    peers: [receiver],
    env: { WEBHOOK_SECRET: secret, WEBHOOK_ALLOW_PRIVATE: 'true' },
  });

  async function recipient(id: string): Promise<void> {
    expect((await herald.admin.put(`/v1/recipients/${id}`, { webhookUrl: receiver.url(`/${id}`) })).status).toBe(201);
  }

  function sendAll(template: string, recipientId: string, data: (n: number) => Record<string, unknown>) {
    return Promise.all(
      Array.from({ length: SENDS }, (_, n) =>
        herald.admin.post<AcceptedNotification>('/v1/notifications', { template, to: { recipientId }, data: data(n) }),
      ),
    );
  }

  it.skipIf(backend.skip)(
    'lets exactly `limit` of 50 parallel sends through; the rest are skipped `throttled`',
    async () => {
      const template = `comment-${tag}`;
      await herald.admin.put(`/v1/admin/templates/${template}`, {
        ...aTemplate({ channels: { webhook: { payload: { n: '{{n}}' } } } }),
        throttle: { limit: 3, window: 3600 },
      });
      await recipient(`ann-${tag}`);

      const sent = await sendAll(template, `ann-${tag}`, (n) => ({ n }));
      expect(sent.every((response) => response.status === 202)).toBe(true);
      const statuses = sent.map((response) => response.body.deliveries[0]);
      expect(statuses.filter((delivery) => delivery.status === 'queued')).toHaveLength(3);
      const throttled = statuses.filter((delivery) => delivery.status === 'skipped');
      expect(throttled).toHaveLength(SENDS - 3);
      expect(throttled.every((delivery) => delivery.reason === 'throttled')).toBe(true);

      // Exactly three reach the receiver; the skipped ones say why in the notification and in the admin history.
      await eventually(() => receiver.to(`/ann-${tag}`).length === 3, { what: '3 webhooks' });
      const skipped = sent.find((response) => response.body.deliveries[0].status === 'skipped')!;
      const view = await settledNotification(herald.admin, skipped.body.id, 'completed');
      expect(view.deliveries[0]).toMatchObject({ status: 'skipped', reason: 'throttled', attempts: [] });
      const history = await herald.admin.get<Page<NotificationHistoryItem>>(
        `/v1/admin/notifications?recipientId=ann-${tag}&limit=200`,
      );
      const reasons = history.body.items.map((item) => item.deliveries[0].reason);
      expect(reasons.filter((reason) => reason === 'throttled')).toHaveLength(SENDS - 3);
      expect(receiver.to(`/ann-${tag}`)).toHaveLength(3);
    },
  );

  it.skipIf(backend.skip)('counts per rendered key and per recipient', async () => {
    const template = `keyed-${tag}`;
    await herald.admin.put(`/v1/admin/templates/${template}`, {
      ...aTemplate({ channels: { webhook: { payload: { p: '{{project}}' } } } }),
      throttle: { limit: 2, window: 3600, key: '{{project}}' },
    });
    await recipient(`bob-${tag}`);
    await recipient(`cy-${tag}`);

    const bob = await sendAll(template, `bob-${tag}`, (n) => ({ project: n % 2 ? 'odd' : 'even' }));
    const cy = await sendAll(template, `cy-${tag}`, () => ({ project: 'even' }));
    const passed = (responses: typeof bob) =>
      responses.filter((response) => response.body.deliveries[0].status === 'queued').length;
    expect(passed(bob)).toBe(4);
    expect(passed(cy)).toBe(2);
  });

  it.skipIf(backend.skip)('never throttles a critical template', async () => {
    const template = `critical-${tag}`;
    await herald.admin.put(`/v1/admin/templates/${template}`, {
      ...aTemplate({ channels: { webhook: { payload: { n: '{{n}}' } } } }),
      critical: true,
      throttle: { limit: 1, window: 3600 },
    });
    await recipient(`dee-${tag}`);
    const sent = await sendAll(template, `dee-${tag}`, (n) => ({ n }));
    expect(sent.every((response) => response.body.deliveries[0].status === 'queued')).toBe(true);
    await eventually(() => receiver.to(`/dee-${tag}`).length === SENDS, {
      what: `${SENDS} webhooks`,
      timeoutMs: 30_000,
    });
    const one = await readNotification(herald.admin, sent[0].body.id);
    expect(one.deliveries[0].reason).toBeNull();
  });
});
