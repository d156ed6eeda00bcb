import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aWebhook } from '../support/factories';
import { HeraldHarness, useHerald } from '../support/herald-harness';
import { problemOf } from '../support/api-client';
import { settledNotification, sendNotification } from '../support/notifications';
import { WebhookReceiver } from '../support/webhook-receiver';
import { is } from '../support/matchers';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

async function sendWebhook(herald: HeraldHarness, webhookUrl: string, orderId: string) {
  return sendNotification(
    herald.admin,
    aWebhook(webhookUrl, { event: 'order.shipped', order: '{{orderId}}' }, { data: { orderId } }),
  );
}

function settled(herald: HeraldHarness, notificationId: string, status: string) {
  return settledNotification(herald.admin, notificationId, status);
}

describe('webhook end to end', () => {
  const receiver = new WebhookReceiver(secret);
  const herald = useHerald({ peers: [receiver], env: { WEBHOOK_SECRET: secret, WEBHOOK_ALLOW_PRIVATE: 'true' } });

  it('posts the rendered payload, signed so that the standardwebhooks package verifies it', async () => {
    const before = Math.floor(Date.now() / 1000);
    const sent = await sendWebhook(herald, receiver.url('/orders?source=herald'), 'A-1001');
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ deliveries: [{ channel: 'webhook', status: 'queued' }] });
    const deliveryId = sent.body.deliveries[0].id;

    const done = await settled(herald, sent.body.id, 'completed');
    expect(done.deliveries[0]).toMatchObject({
      id: deliveryId,
      channel: 'webhook',
      status: 'delivered',
      attempts: [{ attempt: 1, outcome: 'ok', error: null }],
    });

    const received = receiver.to('/orders?source=herald');
    expect(received).toHaveLength(1);
    const [hook] = received;
    expect(hook.verifyError).toBeUndefined();
    expect(hook.verified).toEqual({ event: 'order.shipped', order: 'A-1001' });
    expect(JSON.parse(hook.body)).toEqual({ event: 'order.shipped', order: 'A-1001' });
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.headers['webhook-id']).toBe(deliveryId);
    expect(Number(hook.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(Number(hook.headers['webhook-timestamp'])).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(hook.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('retries a 503 with the same webhook-id, then is delivered', async () => {
    receiver.script('/flaky', { status: 503 });
    const sent = await sendWebhook(herald, receiver.url('/flaky'), 'A-2002');
    expect(sent.status).toBe(202);
    const deliveryId = sent.body.deliveries[0].id;

    const done = await settled(herald, sent.body.id, 'completed');
    const delivery = done.deliveries[0];
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.length).toBeGreaterThanOrEqual(2);
    expect(delivery.attempts[0]).toMatchObject({
      attempt: 1,
      outcome: 'transient_error',
      error: 'HTTP 503: status 503',
    });
    expect(delivery.attempts.at(-1)).toMatchObject({ outcome: 'ok' });

    const received = receiver.to('/flaky');
    expect(received).toHaveLength(delivery.attempts.length);
    expect(received.map((hook) => hook.headers['webhook-id'])).toEqual(received.map(() => deliveryId));
    for (const hook of received) {
      expect(hook.verifyError).toBeUndefined();
      expect(hook.verified).toEqual({ event: 'order.shipped', order: 'A-2002' });
    }
  });

  it('fails at once on a 400, without retrying', async () => {
    receiver.script('/refuses', { status: 400 }, { status: 400 });
    const sent = await sendWebhook(herald, receiver.url('/refuses'), 'A-3003');
    const done = await settled(herald, sent.body.id, 'failed');
    expect(done.deliveries[0]).toMatchObject({
      status: 'failed',
      error: 'HTTP 400: status 400',
      attempts: [{ attempt: 1, outcome: 'permanent_error', error: 'HTTP 400: status 400' }],
    });
    expect(receiver.to('/refuses')).toHaveLength(1);
  });

  it('does not follow a redirect: the delivery fails and the redirect target is never hit', async () => {
    const target = receiver.url('/redirect-target');
    receiver.script('/moved', { status: 302, headers: { location: target } });
    const sent = await sendWebhook(herald, receiver.url('/moved'), 'A-4004');
    const done = await settled(herald, sent.body.id, 'failed');
    expect(done.deliveries[0]).toMatchObject({
      status: 'failed',
      error: `HTTP 302: redirect to ${target} not followed`,
      attempts: [{ attempt: 1, outcome: 'permanent_error' }],
    });
    expect(receiver.to('/moved')).toHaveLength(1);
    expect(receiver.to('/redirect-target')).toEqual([]);
  });
});

describe('webhook SSRF guard end to end (WEBHOOK_ALLOW_PRIVATE=false)', () => {
  const receiver = new WebhookReceiver(secret);
  const herald = useHerald({ peers: [receiver], env: { WEBHOOK_SECRET: secret, WEBHOOK_ALLOW_PRIVATE: 'false' } });

  // Every host below reaches the receiver on 127.0.0.1 if nothing stops it.
  it.each(['127.0.0.1', '127.1', '0x7f.0.0.1', '0177.0.0.1', '2130706433', '[::ffff:127.0.0.1]', 'localhost'])(
    'refuses http://%s:<port>/ and the receiver gets nothing',
    async (host) => {
      const webhookUrl = receiver.url(`/ssrf/${encodeURIComponent(host)}`, host);
      const sent = await sendWebhook(herald, webhookUrl, 'A-5005');
      if (sent.status === 422) {
        // The accept-time URL check already refuses this spelling (not a hostname it accepts), naming the field.
        expect(problemOf(sent, 422).errors).toEqual(
          is.arrayContaining([is.objectContaining({ path: 'to.webhookUrl' })]),
        );
      } else {
        expect(sent.status).toBe(202);
        const done = await settled(herald, sent.body.id, 'failed');
        expect(done.deliveries[0].status).toBe('failed');
        expect(done.deliveries[0].error).toMatch(/^target address \S+ (of "localhost" )?is private \(.*loopback\)/);
        expect(done.deliveries[0].attempts).toMatchObject([{ attempt: 1, outcome: 'permanent_error' }]);
      }
      expect(receiver.received).toEqual([]);
    },
  );
});
