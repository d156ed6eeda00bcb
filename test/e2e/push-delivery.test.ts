import https from 'node:https';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientWithScopes, problemOf } from '../support/api-client';
import type { PushSubscriptionView, ValidationProblem } from '../support/api-types';
import { aTemplate, aTemplatedNotification } from '../support/factories';
import { HeraldHarness, useHerald } from '../support/herald-harness';
import { FcmService } from '../support/push-fcm';
import { PushService } from '../support/push-service';
import { afterTransientError, settledNotification, sendNotification } from '../support/notifications';
import { is } from '../support/matchers';

const VAPID = webpush.generateVAPIDKeys();
const VAPID_ENV = {
  VAPID_PUBLIC_KEY: VAPID.publicKey,
  VAPID_PRIVATE_KEY: VAPID.privateKey,
  VAPID_SUBJECT: 'mailto:ops@herald.test',
};

const PUSH_TEMPLATE = aTemplate({
  name: 'Order shipped',
  channels: {
    push: {
      title: 'Shipped',
      body: 'Order {{orderId}}',
      url: 'https://example.com/o/{{orderId}}',
      icon: 'https://example.com/icon.png',
    },
  },
});

function settled(herald: HeraldHarness, id: string) {
  return settledNotification(herald.admin, id);
}

describe('push', () => {
  const push = new PushService();
  const fcm = new FcmService();
  // The worker runs in this test process. Trusting the test service's self-signed certificate on the
  // default HTTPS agent is what NODE_EXTRA_CA_CERTS does for a deployment; Herald's code stays as in production.
  beforeAll(() => {
    https.globalAgent.options.ca = push.certificate.cert;
  });
  afterAll(() => {
    delete https.globalAgent.options.ca;
  });
  const herald = useHerald({
    peers: [push, fcm],
    env: () => ({
      ...VAPID_ENV,
      FCM_PROJECT_ID: fcm.projectId,
      FCM_CREDENTIALS: fcm.credentials(),
      FCM_BASE_URL: fcm.url,
    }),
  });

  const storedEndpoints = async (recipientId: string) =>
    (
      await herald.pg.query<{ endpoint: string | null; token: string | null }>(
        'SELECT endpoint, token FROM push_subscriptions WHERE recipient_id = $1 ORDER BY created_at',
        [recipientId],
      )
    ).rows.map((row) => row.endpoint ?? row.token);

  beforeAll(async () => {
    expect((await herald.admin.put('/v1/admin/templates/order.shipped', PUSH_TEMPLATE)).status).toBe(201);
  });

  describe('subscriptions API', () => {
    beforeAll(async () => {
      expect((await herald.admin.put('/v1/recipients/sub-api', { email: 'sub@example.com' })).status).toBe(201);
    });

    it('stores a Web Push subscription with an id, and answers the same one when the browser subscribes again', async () => {
      const subscription = push.subscribe('api-1');
      const created = await herald.admin.post<PushSubscriptionView>(
        '/v1/recipients/sub-api/push-subscriptions',
        subscription,
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...subscription, recipientId: 'sub-api' });
      expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);

      // Posted again the way a page does it: the browser's PushSubscription.toJSON(), which carries expirationTime.
      const again = await herald.admin.post<PushSubscriptionView>('/v1/recipients/sub-api/push-subscriptions', {
        ...subscription,
        expirationTime: null,
      });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(created.body.id);

      const fcmToken = await herald.admin.post('/v1/recipients/sub-api/push-subscriptions', {
        type: 'fcm',
        token: 'device-token-1',
      });
      expect(fcmToken.status).toBe(201);
      expect(fcmToken.body).toMatchObject({ type: 'fcm', token: 'device-token-1' });
      expect(await storedEndpoints('sub-api')).toEqual([subscription.endpoint, 'device-token-1']);
    });

    it('refuses a bad endpoint, bad keys or a missing token with 422 naming each field', async () => {
      const good = push.subscribe('api-2');
      const cases: [unknown, string[]][] = [
        [{ ...good, endpoint: 'http://push.example.com/x' }, ['endpoint']],
        [{ ...good, endpoint: 'not a url' }, ['endpoint']],
        [{ type: 'webpush', keys: good.keys }, ['endpoint']],
        [
          {
            ...good,
            keys: { p256dh: Buffer.alloc(64, 4).toString('base64url'), auth: Buffer.alloc(15).toString('base64url') },
          },
          ['keys.p256dh', 'keys.auth'],
        ],
        // 65 bytes that start like a key but are no point on P-256.
        [
          {
            ...good,
            keys: {
              ...good.keys,
              p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url'),
            },
          },
          ['keys.p256dh'],
        ],
        [{ ...good, keys: { ...good.keys, auth: 'not base64url!' } }, ['keys.auth']],
        [{ type: 'webpush', endpoint: good.endpoint }, ['keys']],
        [{ type: 'fcm' }, ['token']],
        [{ type: 'fcm', token: 'x', endpoint: good.endpoint }, ['endpoint']],
        [{ type: 'apns', token: 'x' }, ['type']],
      ];
      for (const [body, paths] of cases) {
        const response = await herald.admin.post<ValidationProblem>('/v1/recipients/sub-api/push-subscriptions', body);
        expect(response.status, JSON.stringify(body)).toBe(422);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(
          [...new Set(response.body.errors.map((e: { path: string }) => e.path))].sort(),
          JSON.stringify(response.body),
        ).toEqual([...paths].sort());
      }
    });

    it('answers 404 for an unknown recipient, and 403 without the recipients scope', async () => {
      const unknown = await herald.admin.post('/v1/recipients/nobody-here/push-subscriptions', push.subscribe('api-3'));
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('application/problem+json');
      expect(problemOf(unknown, 404).type).toMatch(/recipient-not-found$/);

      const sender = await clientWithScopes(herald.admin, 'send');
      const refused = await sender.post('/v1/recipients/sub-api/push-subscriptions', push.subscribe('api-4'));
      expect(refused.status).toBe(403);
    });

    it('deletes a subscription with 204, then answers 404 for it', async () => {
      const created = await herald.admin.post<PushSubscriptionView>('/v1/recipients/sub-api/push-subscriptions', {
        type: 'fcm',
        token: 'to-delete',
      });
      const path = `/v1/recipients/sub-api/push-subscriptions/${created.body.id}`;
      expect((await herald.admin.delete(path)).status).toBe(204);
      expect(await storedEndpoints('sub-api')).not.toContain('to-delete');
      const again = await herald.admin.delete(path);
      expect(again.status).toBe(404);
      expect(again.headers.get('content-type')).toContain('application/problem+json');
      expect((await herald.admin.delete('/v1/recipients/sub-api/push-subscriptions/not-a-uuid')).status).toBe(404);
      expect((await herald.admin.delete(`/v1/recipients/other/push-subscriptions/${created.body.id}`)).status).toBe(
        404,
      );
    });
  });

  describe('Web Push', () => {
    it('encrypts the payload for the browser, signs VAPID, drops a 410 subscription and never uses it again', async () => {
      await herald.admin.put('/v1/recipients/web-ada', {});
      const live = push.subscribe('ada-laptop');
      const expired = push.subscribe('ada-old-phone');
      push.reply.set('ada-old-phone', 410);
      for (const subscription of [live, expired]) {
        expect((await herald.admin.post('/v1/recipients/web-ada/push-subscriptions', subscription)).status).toBe(201);
      }

      const sent = await sendNotification(
        herald.admin,
        aTemplatedNotification('order.shipped', 'web-ada', { orderId: 'A-1' }, { priority: 'high' }),
      );
      expect(sent.status).toBe(202);
      expect(sent.body.deliveries).toMatchObject([{ channel: 'push', status: 'queued' }]);
      const done = await settled(herald, sent.body.id);
      expect(done.status).toBe('completed');

      const [received] = push.pushesTo('ada-laptop');
      expect(received.vapidError).toBeUndefined();
      expect(received.payload).toEqual({
        title: 'Shipped',
        body: 'Order A-1',
        url: 'https://example.com/o/A-1',
        icon: 'https://example.com/icon.png',
      });
      expect(received).toMatchObject({
        ttl: '2419200',
        urgency: 'high',
        contentEncoding: 'aes128gcm',
        vapidKey: VAPID.publicKey,
      });
      expect(received.vapidClaims).toMatchObject({ aud: push.origin, sub: 'mailto:ops@herald.test' });
      expect(done.deliveries[0]).toMatchObject({
        status: 'sent',
        captured: false,
        providerMessageId: received.location,
        attempts: [{ attempt: 1, outcome: 'ok', providerMessageId: received.location }],
      });

      expect(push.pushesTo('ada-old-phone').map((p) => [p.answered, p.vapidError])).toEqual([[410, undefined]]);
      expect(await storedEndpoints('web-ada')).toEqual([live.endpoint]);

      const next = await sendNotification(
        herald.admin,
        aTemplatedNotification('order.shipped', 'web-ada', { orderId: 'A-2' }),
      );
      expect((await settled(herald, next.body.id)).status).toBe('completed');
      expect(push.pushesTo('ada-laptop').map((p) => [(p.payload as { body: string }).body, p.urgency])).toEqual([
        ['Order A-1', 'high'],
        ['Order A-2', 'normal'],
      ]);
      expect(push.pushesTo('ada-old-phone')).toHaveLength(1);
    });

    it('fails at once when every subscription is gone, and removes them', async () => {
      await herald.admin.put('/v1/recipients/web-gone', {});
      push.reply.set('gone-1', 404);
      await herald.admin.post('/v1/recipients/web-gone/push-subscriptions', push.subscribe('gone-1'));

      const sent = await sendNotification(
        herald.admin,
        aTemplatedNotification('order.shipped', 'web-gone', { orderId: 'G' }),
      );
      const done = await settled(herald, sent.body.id);
      expect(done.status).toBe('failed');
      expect(done.deliveries[0].error).toMatch(/gone/);
      expect(done.deliveries[0].attempts).toMatchObject([{ attempt: 1, outcome: 'permanent_error' }]);
      expect(await storedEndpoints('web-gone')).toEqual([]);
    });

    it('retries while the push service answers 5xx, then sends once it accepts', async () => {
      await herald.admin.put('/v1/recipients/web-flaky', {});
      push.reply.set('flaky', 503);
      await herald.admin.post('/v1/recipients/web-flaky/push-subscriptions', push.subscribe('flaky'));

      const sent = await sendNotification(
        herald.admin,
        aTemplatedNotification('order.shipped', 'web-flaky', { orderId: 'F' }),
      );
      const failing = await afterTransientError(herald.admin, sent.body.id);
      expect(failing.deliveries[0].error).toMatch(/HTTP 503/);
      push.reply.delete('flaky');

      const done = await settled(herald, sent.body.id);
      expect(done.status).toBe('completed');
      expect(done.deliveries[0].attempts.at(-1)).toMatchObject({ outcome: 'ok' });
      expect(push.pushesTo('flaky').filter((p) => p.answered === 201)).toHaveLength(1);
      expect(await storedEndpoints('web-flaky')).toHaveLength(1);
    });

    it('sends to inline subscriptions given with the notification, without storing them', async () => {
      const inline = push.subscribe('inline-browser');
      const sent = await sendNotification(herald.admin, {
        content: { push: { title: 'One-off', body: 'Hello' } },
        to: { pushSubscriptions: [inline] },
      });
      expect(sent.status).toBe(202);
      expect((await settled(herald, sent.body.id)).status).toBe('completed');
      expect(push.pushesTo('inline-browser').map((p) => p.payload)).toEqual([{ title: 'One-off', body: 'Hello' }]);
      expect(
        (await herald.pg.query('SELECT 1 FROM push_subscriptions WHERE endpoint = $1', [inline.endpoint])).rowCount,
      ).toBe(0);
    });

    it('refuses bad inline subscriptions with 422 naming the field, and skips push for a recipient with none', async () => {
      const bad = await sendNotification(herald.admin, {
        content: { push: { title: 'x', body: 'y' } },
        to: { pushSubscriptions: [{ ...push.subscribe('inline-bad'), keys: { p256dh: 'AAAA', auth: 'AAAA' } }] },
      });
      expect(bad.status).toBe(422);
      expect(
        problemOf(bad, 422)
          .errors.map((e) => e.path)
          .sort(),
      ).toEqual(['to.pushSubscriptions[0].keys.auth', 'to.pushSubscriptions[0].keys.p256dh']);

      await herald.admin.put('/v1/recipients/web-none', {});
      const skipped = await sendNotification(
        herald.admin,
        aTemplatedNotification('order.shipped', 'web-none', { orderId: 'N' }),
      );
      expect(skipped.status).toBe(202);
      expect(skipped.body.deliveries).toEqual([
        is.objectContaining({ channel: 'push', status: 'skipped', reason: 'no_address' }),
      ]);
    });
  });

  describe('FCM', () => {
    it('sends with a service-account access token, drops an UNREGISTERED token, and reuses the access token', async () => {
      await herald.admin.put('/v1/recipients/droid', {});
      fcm.gone.add('tok-gone');
      for (const token of ['tok-ok', 'tok-gone']) {
        expect(
          (await herald.admin.post('/v1/recipients/droid/push-subscriptions', { type: 'fcm', token })).status,
        ).toBe(201);
      }

      const sent = await sendNotification(
        herald.admin,
        aTemplatedNotification('order.shipped', 'droid', { orderId: 'D-1' }, { priority: 'high' }),
      );
      const done = await settled(herald, sent.body.id);
      expect(done.status).toBe('completed');
      expect(fcm.assertionErrors).toEqual([]);

      const ok = fcm.sends.find((s) => s.token === 'tok-ok')!;
      expect(ok.body.message).toMatchObject({
        token: 'tok-ok',
        notification: { title: 'Shipped', body: 'Order D-1' },
        data: {
          url: 'https://example.com/o/D-1',
          icon: 'https://example.com/icon.png',
          deliveryId: done.deliveries[0].id,
        },
        android: { priority: 'HIGH' },
      });
      expect(done.deliveries[0]).toMatchObject({ status: 'sent', captured: false, providerMessageId: ok.name });
      expect(ok.name).toMatch(/^projects\/p\/messages\/\d+$/);
      expect(fcm.sends.filter((s) => s.token === 'tok-gone')).toMatchObject([{ answered: 404 }]);
      expect(await storedEndpoints('droid')).toEqual(['tok-ok']);

      const next = await sendNotification(
        herald.admin,
        aTemplatedNotification('order.shipped', 'droid', { orderId: 'D-2' }),
      );
      expect((await settled(herald, next.body.id)).status).toBe('completed');
      expect(fcm.sends.filter((s) => s.token === 'tok-gone')).toHaveLength(1);
      expect(fcm.sends.filter((s) => s.token === 'tok-ok').at(-1)?.body.message.android?.priority).toBe('NORMAL');
      expect(fcm.tokenRequests).toBe(1);
    });

    it('fetches a new access token when FCM refuses the cached one', async () => {
      const before = fcm.tokenRequests;
      fcm.revoke();
      const sent = await sendNotification(
        herald.admin,
        aTemplatedNotification('order.shipped', 'droid', { orderId: 'D-3' }),
      );
      const done = await settled(herald, sent.body.id);
      expect(done.status).toBe('completed');
      expect(done.deliveries[0].attempts).toHaveLength(1);
      expect(fcm.tokenRequests).toBe(before + 1);
    });
  });
});

describe('push without provider settings, and with private targets refused', () => {
  const push = new PushService();
  // Each test on an installation (and a database) of its own.
  const capturing = useHerald({ peers: [push] });
  const refusingPrivate = useHerald({ env: { ...VAPID_ENV, WEBHOOK_ALLOW_PRIVATE: 'false' } });

  beforeAll(async () => {
    for (const herald of [capturing, refusingPrivate]) {
      expect((await herald.admin.put('/v1/admin/templates/order.shipped', PUSH_TEMPLATE)).status).toBe(201);
      await herald.admin.put('/v1/recipients/someone', {});
    }
  });

  it('captures instead of sending when neither VAPID nor FCM is configured', async () => {
    const herald = capturing;
    await herald.admin.post('/v1/recipients/someone/push-subscriptions', push.subscribe('captured'));
    await herald.admin.post('/v1/recipients/someone/push-subscriptions', { type: 'fcm', token: 'captured-token' });
    const sent = await sendNotification(
      herald.admin,
      aTemplatedNotification('order.shipped', 'someone', { orderId: 'C' }),
    );
    const done = await settled(herald, sent.body.id);
    expect(done.status).toBe('completed');
    expect(done.deliveries[0]).toMatchObject({
      status: 'sent',
      captured: true,
      content: { title: 'Shipped', body: 'Order C' },
    });
    expect(push.received).toEqual([]);
  });

  it('refuses a push endpoint on a loopback address unless WEBHOOK_ALLOW_PRIVATE', async () => {
    const herald = refusingPrivate;
    await herald.admin.post('/v1/recipients/someone/push-subscriptions', push.subscribe('private'));
    const sent = await sendNotification(
      herald.admin,
      aTemplatedNotification('order.shipped', 'someone', { orderId: 'P' }),
    );
    const done = await settled(herald, sent.body.id);
    expect(done.status).toBe('failed');
    expect(done.deliveries[0].error).toMatch(/127\.0\.0\.1 is private \(loopback\)/);
    expect(done.deliveries[0].attempts).toMatchObject([{ outcome: 'permanent_error' }]);
    expect(push.received).toEqual([]);
  });
});
