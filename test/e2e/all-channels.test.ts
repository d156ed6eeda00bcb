import { createHmac, randomBytes } from 'node:crypto';
import https from 'node:https';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client';
import type { DeliveryView, InboxPage } from '../support/api-types';
import { anOrderShippedTemplate, aTemplatedNotification } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { settledNotification, sendNotification } from '../support/notifications';
import { PushService } from '../support/push-service';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';
import { SseClient } from '../support/sse-client';
import { TwilioFake } from '../support/twilio-fake';
import { WebhookReceiver } from '../support/webhook-receiver';
import { is } from '../support/matchers';

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const INBOX_SECRET = `inbox-secret-${randomBytes(8).toString('hex')}`;
const VAPID = webpush.generateVAPIDKeys();
const SMS_FROM = '+15005550006';

const RECIPIENT = 'user-all';
const EMAIL = 'ada@example.com';
const PHONE = '+14155550199';
const WEBHOOK_PATH = '/hooks/orders';
const BROWSER = 'ada-browser';

const TEMPLATE = anOrderShippedTemplate({
  channels: {
    ...anOrderShippedTemplate().channels,
    sms: { text: 'Order {{orderId}} shipped, {{name}}' },
    push: { title: 'Shipped', body: 'Order {{orderId}}', url: 'https://example.com/o/{{orderId}}' },
    in_app: { title: 'Shipped', body: 'Order {{orderId}} for {{name}}', url: '/orders/{{orderId}}' },
    webhook: { payload: { event: 'order.shipped', order: '{{orderId}}', customer: { name: '{{name}}' } } },
  },
  schema: { type: 'object', required: ['orderId', 'name'] },
});

/** The recipient token of API.md §6.5, computed here from the contract rather than with Herald's own helper. */
function recipientToken(recipientId: string): string {
  return createHmac('sha256', INBOX_SECRET).update(recipientId, 'utf8').digest('base64url');
}

describe.each(queueBackends())('one notification on every channel, $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  const twilio = new TwilioFake();
  const push = new PushService();
  const receiver = new WebhookReceiver(WEBHOOK_SECRET);
  let stream: SseClient | undefined;
  // Registered before the harness, so it runs after it (after-hooks run as a stack): Herald first, since closing
  // it ends the open stream. Aborting the stream first leaves fetch holding a socket that never carried a
  // request, which http.Server#close waits for until fetch drops it (about 4 s).
  afterAll(async () => {
    await stream?.close();
  });
  // The worker runs in this process: trusting the push service's self-signed certificate on the default
  // HTTPS agent is what NODE_EXTRA_CA_CERTS does for a deployment (as in push-delivery.test.ts).
  beforeAll(() => {
    if (!skip) https.globalAgent.options.ca = push.certificate.cert;
  });
  afterAll(() => {
    delete https.globalAgent.options.ca;
  });
  const herald = useHerald({
    backend,
    peers: [smtp, twilio, push, receiver],
    env: () => ({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Herald <no-reply@herald.test>',
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: SMS_FROM,
      TWILIO_BASE_URL: twilio.url,
      VAPID_PUBLIC_KEY: VAPID.publicKey,
      VAPID_PRIVATE_KEY: VAPID.privateKey,
      VAPID_SUBJECT: 'mailto:ops@herald.test',
      WEBHOOK_SECRET,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      INBOX_SECRET,
    }),
  });

  it.skipIf(skip)(
    'email sent, sms sent, push sent, webhook delivered, in_app delivered: each proven at its peer',
    async () => {
      expect((await herald.admin.put('/v1/admin/templates/order.shipped', TEMPLATE)).status).toBe(201);
      const recipient = await herald.admin.put(`/v1/recipients/${RECIPIENT}`, {
        email: EMAIL,
        phone: PHONE,
        webhookUrl: receiver.url(WEBHOOK_PATH),
      });
      expect(recipient.status).toBe(201);
      const subscription = push.subscribe(BROWSER);
      expect((await herald.admin.post(`/v1/recipients/${RECIPIENT}/push-subscriptions`, subscription)).status).toBe(
        201,
      );

      // A browser's view of the inbox: no API key, only the recipient token.
      const browser = new ApiClient(herald.baseUrl);
      const token = { 'x-recipient-token': recipientToken(RECIPIENT) };
      stream = await SseClient.connect(`${herald.baseUrl}/v1/recipients/${RECIPIENT}/inbox/stream`, token);
      expect(stream.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toContain('text/event-stream');

      const sent = await sendNotification(
        herald.admin,
        aTemplatedNotification('order.shipped', RECIPIENT, { orderId: 'A-1001', name: 'Ada' }),
      );
      expect(sent.status).toBe(202);
      expect(sent.body.status).toBe('accepted');
      const queued = Object.fromEntries(sent.body.deliveries.map((d) => [d.channel, d]));
      expect(Object.keys(queued).sort()).toEqual(['email', 'in_app', 'push', 'sms', 'webhook']);
      for (const delivery of Object.values(queued)) expect(delivery.status, delivery.channel).toBe('queued');

      const done = await settledNotification(herald.admin, sent.body.id);
      expect(done.status).toBe('completed');
      expect(done.template).toEqual({ key: 'order.shipped', version: 1 });
      const deliveries = Object.fromEntries(done.deliveries.map((d) => [d.channel, d])) as Record<
        DeliveryView['channel'],
        DeliveryView
      >;
      const expected = { email: 'sent', sms: 'sent', push: 'sent', webhook: 'delivered', in_app: 'delivered' };
      expect(Object.fromEntries(Object.entries(deliveries).map(([channel, d]) => [channel, d.status]))).toEqual(
        expected,
      );
      for (const [channel, delivery] of Object.entries(deliveries)) {
        expect(delivery.id, channel).toBe(queued[channel].id);
        expect(delivery.captured, channel).toBe(false);
        expect(delivery.providerMessageId, channel).toEqual(is.any(String));
        expect(delivery.attempts, channel).toMatchObject([
          { attempt: 1, outcome: 'ok', error: null, providerMessageId: delivery.providerMessageId },
        ]);
      }

      // email: the SMTP server got the rendered message, under the Message-ID Herald recorded.
      const mails = smtp.messages.filter((m) => m.envelope.to.includes(EMAIL));
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail.parsed.subject).toBe('Order A-1001 shipped');
      expect(mail.parsed.html).toContain('<p>Hi Ada, order <b>A-1001</b> is on its way</p>');
      expect(mail.parsed.text?.trim()).toBe('Hi Ada, order A-1001 is on its way');
      expect(mail.parsed.from?.text).toContain('no-reply@herald.test');
      expect(mail.parsed.messageId).toBe(deliveries.email.providerMessageId);

      // sms: Twilio got To/From/Body with its basic auth, and its message sid is the provider id.
      const texts = twilio.to(PHONE);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toMatchObject({
        path: `/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`,
        contentType: 'application/x-www-form-urlencoded',
        form: { To: PHONE, From: SMS_FROM, Body: 'Order A-1001 shipped, Ada' },
        status: 201,
      });
      expect(deliveries.sms.providerMessageId).toBe(texts[0].sid);

      // push: the push service verified VAPID and decrypted, with the browser's keys, what a service worker reads.
      const pushes = push.pushesTo(BROWSER);
      expect(pushes).toHaveLength(1);
      expect(pushes[0].vapidError).toBeUndefined();
      expect(pushes[0]).toMatchObject({ answered: 201, contentEncoding: 'aes128gcm', vapidKey: VAPID.publicKey });
      expect(pushes[0].payload).toEqual({
        title: 'Shipped',
        body: 'Order A-1001',
        url: 'https://example.com/o/A-1001',
      });
      expect(deliveries.push.providerMessageId).toBe(pushes[0].location);

      // webhook: the standardwebhooks package verified the signature; webhook-id is the webhook delivery id.
      const hooks = receiver.to(WEBHOOK_PATH);
      expect(hooks).toHaveLength(1);
      expect(hooks[0].verifyError).toBeUndefined();
      const payload = { event: 'order.shipped', order: 'A-1001', customer: { name: 'Ada' } };
      expect(hooks[0].verified).toEqual(payload);
      expect(JSON.parse(hooks[0].body)).toEqual(payload);
      expect(hooks[0].headers['webhook-id']).toBe(deliveries.webhook.id);
      expect(deliveries.webhook.providerMessageId).toBe(deliveries.webhook.id);

      // in_app: the open stream got the message live, and the inbox lists it.
      const event = await stream.next((e) => e.event === 'message');
      const message = {
        id: deliveries.in_app.providerMessageId,
        recipientId: RECIPIENT,
        notificationId: sent.body.id,
        title: 'Shipped',
        body: 'Order A-1001 for Ada',
        url: '/orders/A-1001',
        read: false,
      };
      expect(event.id).toBe(message.id);
      expect(JSON.parse(event.data)).toMatchObject(message);
      expect(stream.events.filter((e) => e.event === 'message')).toHaveLength(1);
      const inbox = await browser.get<InboxPage>(`/v1/recipients/${RECIPIENT}/inbox`, token);
      expect(inbox.status).toBe(200);
      expect(inbox.body).toMatchObject({ items: [message], nextCursor: null, unreadCount: 1 });
    },
  );
});
