import { describe, expect, it } from 'vitest';
import type { TemplateView } from '../support/api-types';
import { eventually } from '../support/eventually';
import { anEmail, anOrderShippedTemplate, aTemplatedNotification } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { afterTransientError, sendNotification, settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';

describe.each(queueBackends())('email end to end on the $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  const herald = useHerald({
    backend,
    peers: [smtp],
    env: () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'Herald <no-reply@herald.test>' }),
  });

  it.skipIf(skip)('renders a template for a stored recipient, sends it over SMTP and records the attempt', async () => {
    const template = await herald.admin.put<TemplateView>(
      '/v1/admin/templates/order.shipped',
      anOrderShippedTemplate({
        locales: { fr: { email: { subject: 'Commande {{orderId}} expédiée' } } },
        schema: { type: 'object', required: ['orderId'] },
      }),
    );
    expect(template.status).toBe(201);
    expect(template.body).toMatchObject({ key: 'order.shipped', version: 1 });

    const recipient = await herald.admin.put('/v1/recipients/user-42', { email: 'ada@example.com', locale: 'fr' });
    expect(recipient.status).toBe(201);

    const sent = await sendNotification(
      herald.admin,
      aTemplatedNotification('order.shipped', 'user-42', { orderId: 'A-1001', name: 'Ada <Lovelace>' }),
    );
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
      const sent = await sendNotification(herald.admin, anEmail('nobody@example.com', { subject: 'x', text: 'y' }));
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
    const sent = await sendNotification(
      herald.admin,
      anEmail('retry@example.com', { subject: 'retry me', text: 'body' }),
    );
    const firstFailure = await afterTransientError(herald.admin, sent.body.id);
    expect(firstFailure.deliveries[0].error).toMatch(/try again later/);
    smtp.reject = undefined;
    const done = await settledNotification(herald.admin, sent.body.id, 'completed');
    const attempts = done.deliveries[0].attempts;
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.at(-1)).toMatchObject({ outcome: 'ok' });
    expect(attempts.slice(0, -1).every((a) => a.outcome === 'transient_error')).toBe(true);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('retry@example.com'))).toHaveLength(1);
  });
});
