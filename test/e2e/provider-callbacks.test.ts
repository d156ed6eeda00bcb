import { describe, expect, it } from 'vitest';
import type { SuppressionView } from '@herald/notifications';
import type { NotificationView, Page } from '../support/api-types';
import { eventually } from '../support/eventually';
import { anEmail, anSms, aTemplate, aTemplatedNotification } from '../support/factories';
import { HeraldHarness, useHerald } from '../support/herald-harness';
import { readNotification, sendNotification, settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { SendgridWebhook, sendgridEvent } from '../support/sendgrid-webhook';
import { SmtpSink } from '../support/smtp-sink';
import { TwilioFake } from '../support/twilio-fake';

/** Where Twilio and SendGrid are told Herald is: a proxy's address, not the port the test's Herald listens on. */
const PUBLIC_URL = 'https://herald.example.test';
const FROM = '+15005550006';

async function sentNotification(herald: HeraldHarness, body: unknown): Promise<NotificationView> {
  const sent = await sendNotification(herald.admin, body);
  expect(sent.status).toBe(202);
  return settledNotification(herald.admin, sent.body.id);
}

async function suppressionsOf(herald: HeraldHarness, query = ''): Promise<SuppressionView[]> {
  const page = await herald.admin.get<Page<SuppressionView>>(`/v1/admin/suppressions${query}`);
  expect(page.status).toBe(200);
  return page.body.items;
}

/** A critical template on email and SMS (a password reset, say): complaints and STOP do not stop it. Idempotent. */
async function putCriticalTemplate(herald: HeraldHarness): Promise<void> {
  const put = await herald.admin.put('/v1/admin/templates/security.alert', {
    ...aTemplate({ channels: { email: { subject: 'Alert', text: 'Alert' }, sms: { text: 'Alert' } } }),
    critical: true,
  });
  expect([200, 201]).toContain(put.status);
}

describe.each(queueBackends())('Twilio status callbacks and STOP, $name queue backend', (backend) => {
  const { skip } = backend;
  const twilio = new TwilioFake();
  const herald = useHerald({
    backend,
    peers: [twilio],
    env: () => ({
      PUBLIC_URL,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: FROM,
      TWILIO_BASE_URL: twilio.url,
    }),
  });
  const reach = (url: string) => url.replace(PUBLIC_URL, herald.baseUrl);
  const callbacks = (forge = false) => ({
    reach,
    fallbackCallbackUrl: `${PUBLIC_URL}/v1/providers/twilio/status`,
    forge,
  });
  const inbound = (from: string, body: string, forge = false) =>
    twilio.callWebhook(
      `${PUBLIC_URL}/v1/providers/twilio/inbound`,
      { AccountSid: twilio.accountSid, MessageSid: `SM${from.slice(1)}`, From: from, To: FROM, Body: body },
      { reach, forge },
    );

  it.skipIf(skip)(
    'a signed "delivered" callback makes the SMS delivered; a forged one is 401 and changes nothing',
    async () => {
      const phone = '+14155550201';
      const done = await sentNotification(herald, anSms(phone));
      expect(done.deliveries[0]).toMatchObject({ status: 'sent' });
      const [message] = twilio.to(phone);

      const forged = await twilio.reportStatus(message, { MessageStatus: 'delivered' }, callbacks(true));
      expect(forged.status).toBe(401);
      expect(forged.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await readNotification(herald.admin, done.id)).deliveries[0].status).toBe('sent');

      const signed = await twilio.reportStatus(message, { MessageStatus: 'delivered' }, callbacks());
      expect(signed.status).toBe(200);
      expect(await signed.text()).toContain('<Response></Response>');
      const delivered = await readNotification(herald.admin, done.id);
      expect(delivered).toMatchObject({ status: 'completed' });
      expect(delivered.deliveries[0]).toMatchObject({ status: 'delivered', providerMessageId: message.sid });

      // Statuses arrive out of order: a late "sent" does not move it back.
      expect((await twilio.reportStatus(message, { MessageStatus: 'sent' }, callbacks())).status).toBe(200);
      expect((await readNotification(herald.admin, done.id)).deliveries[0].status).toBe('delivered');
    },
  );

  it.skipIf(skip)('"undelivered" fails the delivery with the error code, and the notification with it', async () => {
    const phone = '+14155550202';
    const done = await sentNotification(herald, anSms(phone));
    const [message] = twilio.to(phone);
    const answer = await twilio.reportStatus(
      message,
      { MessageStatus: 'undelivered', ErrorCode: '30003' },
      callbacks(),
    );
    expect(answer.status).toBe(200);
    const failed = await readNotification(herald.admin, done.id);
    expect(failed.status).toBe('failed');
    expect(failed.deliveries[0].status).toBe('failed');
    expect(failed.deliveries[0].error).toContain('30003');
  });

  it.skipIf(skip)(
    'a callback for a message Herald did not send is 200 and ignored; unsigned calls are 401',
    async () => {
      const before = await herald.pg.query<{ updated: Date }>(`SELECT max(updated_at) AS updated FROM deliveries`);
      const unknown = await twilio.callWebhook(
        `${PUBLIC_URL}/v1/providers/twilio/status`,
        { MessageSid: 'SM00000000000000000000000000000000', MessageStatus: 'delivered' },
        { reach },
      );
      expect(unknown.status).toBe(200);
      const unsigned = await fetch(`${herald.baseUrl}/v1/providers/twilio/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'MessageSid=SM1&MessageStatus=delivered',
      });
      expect(unsigned.status).toBe(401);
      // Signed but unusable: a problem document, never a 500.
      const nul = await twilio.callWebhook(
        `${PUBLIC_URL}/v1/providers/twilio/inbound`,
        { From: '+1415\u0000', Body: 'STOP' },
        { reach },
      );
      expect(nul.status).toBe(422);
      const after = await herald.pg.query<{ updated: Date }>(`SELECT max(updated_at) AS updated FROM deliveries`);
      expect(after.rows[0].updated).toEqual(before.rows[0].updated);
    },
  );

  it.skipIf(skip)(
    'STOP suppresses the number: its next SMS is skipped/suppressed, a critical one still goes; START lifts it',
    async () => {
      const phone = '+14155550203';
      await putCriticalTemplate(herald);
      expect((await herald.admin.put('/v1/recipients/stopper', { phone })).status).toBe(201);

      expect((await inbound(phone, 'stop', true)).status).toBe(401);
      expect(await suppressionsOf(herald, `?address=${encodeURIComponent(phone)}`)).toEqual([]);

      const stop = await inbound(phone, ' Stop ');
      expect(stop.status).toBe(200);
      expect(stop.headers.get('content-type')).toMatch(/text\/xml/);
      const [suppression] = await suppressionsOf(herald, `?address=${encodeURIComponent(phone)}`);
      expect(suppression).toMatchObject({ channel: 'sms', address: phone, reason: 'sms_stop', source: 'twilio' });
      const mine = await herald.admin.get<Page<SuppressionView>>('/v1/recipients/stopper/suppressions');
      expect(mine.body.items.map((item) => item.id)).toEqual([suppression.id]);

      const skipped = await sentNotification(herald, anSms(phone));
      expect(skipped.status).toBe('completed');
      expect(skipped.deliveries[0]).toMatchObject({ status: 'skipped', reason: 'suppressed', attempts: [] });
      expect(twilio.to(phone)).toHaveLength(0);

      const critical = await sentNotification(
        herald,
        aTemplatedNotification('security.alert', 'stopper', {}, { channels: ['sms'] }),
      );
      expect(critical.deliveries[0]).toMatchObject({ status: 'sent' });
      expect(twilio.to(phone)).toHaveLength(1);

      expect((await inbound(phone, 'START')).status).toBe(200);
      expect(await suppressionsOf(herald, `?address=${encodeURIComponent(phone)}`)).toEqual([]);
      expect((await sentNotification(herald, anSms(phone))).deliveries[0].status).toBe('sent');
    },
  );
});

describe.each(queueBackends())('SendGrid events and email suppression, $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  const sendgrid = new SendgridWebhook();
  const herald = useHerald({
    backend,
    peers: [smtp],
    env: () => ({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Herald <no-reply@herald.test>',
      SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.publicKey,
    }),
  });
  const mailsTo = (address: string) => smtp.messages.filter((mail) => mail.envelope.to.includes(address));

  it.skipIf(skip)(
    'a signed bounce fails the delivery and suppresses the address: the next send, critical or not, is skipped',
    async () => {
      const address = 'gone@example.com';
      await putCriticalTemplate(herald);
      expect((await herald.admin.put('/v1/recipients/gone', { email: address })).status).toBe(201);
      const done = await sentNotification(herald, anEmail(address));
      const delivery = done.deliveries[0];
      expect(delivery.status).toBe('sent');
      const messageId = mailsTo(address)[0].parsed.messageId!;
      expect(messageId).toBe(delivery.providerMessageId);

      const bounce = sendgridEvent('bounce', address, messageId, { type: 'bounce', reason: '550 5.1.1 no such user' });
      const forged = await sendgrid.post(herald.baseUrl, [bounce], { forge: true });
      expect(forged.status).toBe(401);
      expect(await suppressionsOf(herald, `?address=${address}`)).toEqual([]);
      expect((await readNotification(herald.admin, done.id)).deliveries[0].status).toBe('sent');

      const signed = await sendgrid.post(herald.baseUrl, [bounce, sendgridEvent('open', address, messageId)]);
      expect(signed.status).toBe(200);
      expect(await signed.json()).toEqual({ received: 2 });
      const failed = await readNotification(herald.admin, done.id);
      expect(failed.status).toBe('failed');
      expect(failed.deliveries[0]).toMatchObject({ status: 'failed' });
      expect(failed.deliveries[0].error).toContain('550 5.1.1 no such user');
      const [suppression] = await suppressionsOf(herald, '?reason=hard_bounce');
      expect(suppression).toMatchObject({
        channel: 'email',
        address,
        reason: 'hard_bounce',
        source: 'sendgrid',
        deliveryId: delivery.id,
        detail: '550 5.1.1 no such user',
      });
      const mine = await herald.admin.get<Page<SuppressionView>>('/v1/recipients/gone/suppressions');
      expect(mine.body.items.map((item) => item.id)).toEqual([suppression.id]);

      // The address in another case is the same mailbox; a critical template cannot reach it either.
      const next = await sentNotification(herald, anEmail('Gone@Example.com'));
      expect(next.deliveries[0]).toMatchObject({ status: 'skipped', reason: 'suppressed' });
      const critical = await sentNotification(
        herald,
        aTemplatedNotification('security.alert', 'gone', {}, { channels: ['email'] }),
      );
      expect(critical.deliveries[0]).toMatchObject({ status: 'skipped', reason: 'suppressed' });
      expect(mailsTo(address)).toHaveLength(1);

      // Lifted by an admin, the address is sent to again.
      expect((await herald.admin.delete(`/v1/admin/suppressions/${suppression.id}`)).status).toBe(204);
      expect((await herald.admin.delete(`/v1/admin/suppressions/${suppression.id}`)).status).toBe(404);
      expect((await sentNotification(herald, anEmail(address))).deliveries[0].status).toBe('sent');
      await eventually(() => mailsTo(address).length === 2);
    },
  );

  it.skipIf(skip)('a complaint suppresses non-critical mail only; "delivered" confirms a delivery', async () => {
    const address = 'grumpy@example.com';
    await putCriticalTemplate(herald);
    expect((await herald.admin.put('/v1/recipients/grumpy', { email: address })).status).toBe(201);
    const done = await sentNotification(herald, anEmail(address));
    const messageId = done.deliveries[0].providerMessageId!;

    const answer = await sendgrid.post(herald.baseUrl, [
      sendgridEvent('delivered', address, messageId),
      sendgridEvent('spamreport', address, messageId),
    ]);
    expect(answer.status).toBe(200);
    expect((await readNotification(herald.admin, done.id)).deliveries[0].status).toBe('delivered');
    expect(await suppressionsOf(herald, `?address=${address.toUpperCase()}`)).toMatchObject([
      { address, reason: 'complaint', source: 'sendgrid' },
    ]);

    const next = await sentNotification(herald, anEmail(address));
    expect(next.deliveries[0]).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    const critical = await sentNotification(
      herald,
      aTemplatedNotification('security.alert', 'grumpy', {}, { channels: ['email'] }),
    );
    expect(critical.deliveries[0]).toMatchObject({ status: 'sent' });
    expect(mailsTo(address)).toHaveLength(2);
  });

  it.skipIf(skip)('refuses unsigned events and answers problem documents for bodies that are not events', async () => {
    const unsigned = await fetch(`${herald.baseUrl}/v1/providers/sendgrid/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(unsigned.status).toBe(401);
    const body = '{"event":"bounce"}';
    const notArray = await fetch(`${herald.baseUrl}/v1/providers/sendgrid/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sendgrid.headers(body, '1733300000') },
      body,
    });
    expect(notArray.status).toBe(422);
    // Events about messages Herald never sent, or with nothing to go by, are ignored.
    const strangers = await sendgrid.post(herald.baseUrl, [
      sendgridEvent('delivered', 'x@example.com', '<0193a3f5-7a1c-7b2d-8e4f-0123456789ab@elsewhere>'),
      sendgridEvent('bounce', 'y@example.com', '<not-ours@elsewhere>', { type: 'blocked' }),
      { event: 'bounce' },
      42,
    ]);
    expect(strangers.status).toBe(200);
    expect(await suppressionsOf(herald, '?address=y@example.com')).toEqual([]);
  });
});
