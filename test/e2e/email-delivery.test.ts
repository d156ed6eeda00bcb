import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningHerald, startHerald } from '../support/herald-app';
import { SmtpSink } from '../support/smtp-sink';
import { settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';

const backends = queueBackends();

describe.each(backends)('email end to end on the $name queue backend', ({ env, skip }) => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let herald: RunningHerald;

  beforeAll(async () => {
    if (skip) return;
    db = await createTestDatabase();
    smtp = await new SmtpSink().start();
    herald = await startHerald({
      databaseUrl: db.url,
      env: { ...env, SMTP_URL: smtp.url, MAIL_FROM: 'Herald <no-reply@herald.test>' },
    });
  });

  afterAll(async () => {
    if (skip) return;
    await herald?.close();
    await smtp?.stop();
    await db?.drop();
  });

  it.skipIf(skip)('renders a template for a stored recipient, sends it over SMTP and records the attempt', async () => {
    const template = await herald.admin.put('/v1/admin/templates/order.shipped', {
      name: 'Order shipped',
      category: 'orders',
      channels: {
        email: {
          subject: 'Order {{orderId}} shipped',
          html: '<p>Hi {{name}}, order <b>{{orderId}}</b> is on its way</p>',
          text: 'Hi {{name}}, order {{orderId}} is on its way',
        },
      },
      locales: { fr: { email: { subject: 'Commande {{orderId}} expédiée' } } },
      schema: { type: 'object', required: ['orderId'] },
    });
    expect(template.status).toBe(201);
    expect(template.body).toMatchObject({ key: 'order.shipped', version: 1 });

    const recipient = await herald.admin.put('/v1/recipients/user-42', { email: 'ada@example.com', locale: 'fr' });
    expect(recipient.status).toBe(201);

    const sent = await herald.admin.post('/v1/notifications', {
      template: 'order.shipped',
      to: { recipientId: 'user-42' },
      data: { orderId: 'A-1001', name: 'Ada <Lovelace>' },
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'accepted', deliveries: [{ channel: 'email', status: 'queued' }] });

    const mail = await eventually(() => smtp.messages.find((m) => m.envelope.to.includes('ada@example.com')), {
      what: 'the mail at the SMTP server',
    });
    expect(mail.parsed.subject).toBe('Commande A-1001 expédiée');
    expect(mail.parsed.html).toContain('<p>Hi Ada &lt;Lovelace&gt;, order <b>A-1001</b> is on its way</p>');
    expect(mail.parsed.text?.trim()).toBe('Hi Ada <Lovelace>, order A-1001 is on its way');
    expect(mail.parsed.from?.text).toContain('no-reply@herald.test');
    const deliveryId = sent.body.deliveries[0].id;
    expect(mail.parsed.messageId).toBe(`<${deliveryId}@herald.test>`);

    const done = await settledNotification(herald.admin, sent.body.id, 'completed');
    expect(done.template).toEqual({ key: 'order.shipped', version: 1 });
    expect(done.deliveries[0]).toMatchObject({
      id: deliveryId,
      status: 'sent',
      captured: false,
      providerMessageId: `<${deliveryId}@herald.test>`,
      attempts: [{ attempt: 1, outcome: 'ok', error: null }],
    });
    expect(smtp.messages.filter((m) => m.parsed.messageId === `<${deliveryId}@herald.test>`)).toHaveLength(1);
  });

  it.skipIf(skip)('fails at once on a permanent SMTP refusal, with the reason', async () => {
    smtp.reject = { code: 550, message: 'mailbox unavailable' };
    try {
      const sent = await herald.admin.post('/v1/notifications', {
        content: { email: { subject: 'x', text: 'y' } },
        to: { email: 'nobody@example.com' },
      });
      expect(sent.status).toBe(202);
      const done = await settledNotification(herald.admin, sent.body.id, 'failed');
      expect(done.deliveries[0].status).toBe('failed');
      expect(done.deliveries[0].error).toMatch(/mailbox unavailable/);
      expect(done.deliveries[0].attempts).toMatchObject([{ attempt: 1, outcome: 'permanent_error' }]);
    } finally {
      smtp.reject = undefined;
    }
  });

  it.skipIf(skip)('retries a transient SMTP refusal and then sends', async () => {
    smtp.reject = { code: 451, message: 'try again later' };
    const sent = await herald.admin.post('/v1/notifications', {
      content: { email: { subject: 'retry me', text: 'body' } },
      to: { email: 'retry@example.com' },
    });
    const firstFailure = await eventually(async () => {
      const { body } = await herald.admin.get(`/v1/notifications/${sent.body.id}`);
      return body.deliveries[0].attempts.some((a: { outcome: string }) => a.outcome === 'transient_error') && body;
    });
    expect(firstFailure.deliveries[0].error).toMatch(/try again later/);
    smtp.reject = undefined;
    const done = await settledNotification(herald.admin, sent.body.id, 'completed');
    const attempts = done.deliveries[0].attempts;
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.at(-1)).toMatchObject({ outcome: 'ok' });
    expect(attempts.slice(0, -1).every((a: { outcome: string }) => a.outcome === 'transient_error')).toBe(true);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('retry@example.com'))).toHaveLength(1);
  });
});
