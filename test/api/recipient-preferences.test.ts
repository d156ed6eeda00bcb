import { describe, expect, it, beforeAll } from 'vitest';
import { clientWithScopes, expectProblem } from '../support/api-client';
import type { AcceptedNotification, InboxPage, ValidationProblem } from '../support/api-types';
import { eventually } from '../support/eventually';
import { aNotification, aTemplate, recipientPreferences } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { readNotification, settledNotification, sendNotification } from '../support/notifications';
import { SmtpSink } from '../support/smtp-sink';

const smtp = new SmtpSink();
const herald = useHerald({
  peers: [smtp],
  env: () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'Herald <no-reply@herald.test>' }),
});

const keyWith = (...scopes: Parameters<typeof clientWithScopes>[1][]) => clientWithScopes(herald.admin, ...scopes);

/** `channel: status` or `channel: status:reason` of each delivery. */
function statuses(body: AcceptedNotification) {
  return Object.fromEntries(body.deliveries.map((d) => [d.channel, d.reason ? `${d.status}:${d.reason}` : d.status]));
}

describe('preferences', () => {
  it('answers the defaults, stores a PUT whole and returns it, and keeps it when the recipient is replaced', async () => {
    expect((await herald.admin.put('/v1/recipients/pref-1', { email: 'p1@example.com' })).status).toBe(201);
    const initial = await herald.admin.get('/v1/recipients/pref-1/preferences');
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual(recipientPreferences());

    const preferences = { channels: { sms: false }, categories: { marketing: false, orders: { email: false } } };
    const put = await herald.admin.put('/v1/recipients/pref-1/preferences', preferences);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(preferences);
    expect((await herald.admin.get('/v1/recipients/pref-1/preferences')).body).toEqual(preferences);

    // The recipient's own PUT replaces its personal fields, not its preferences.
    expect((await herald.admin.put('/v1/recipients/pref-1', { email: 'p1b@example.com' })).status).toBe(200);
    expect((await herald.admin.get('/v1/recipients/pref-1/preferences')).body).toEqual(preferences);

    // A PUT replaces the whole document: what it leaves out is gone.
    expect((await herald.admin.put('/v1/recipients/pref-1/preferences', { channels: { push: false } })).body).toEqual({
      channels: { push: false },
      categories: {},
    });
    expect((await herald.admin.get('/v1/recipients/pref-1/preferences')).body).toEqual({
      channels: { push: false },
      categories: {},
    });
  });

  it('refuses bad shapes with 422 naming each path, and stores nothing', async () => {
    expect((await herald.admin.put('/v1/recipients/pref-2', {})).status).toBe(201);
    const bad = await herald.admin.put('/v1/recipients/pref-2/preferences', {
      channels: { fax: false, email: 'no' },
      categories: { 'Not A Category': false, orders: { pigeon: false, sms: 0 }, news: 'off' },
    });
    expectProblem<ValidationProblem>(bad, 422);
    expect(bad.body.errors.map((e) => e.path)).toEqual([
      'channels.fax',
      'channels.email',
      'categories["Not A Category"]',
      'categories.orders.pigeon',
      'categories.orders.sms',
      'categories.news',
    ]);

    const shapes = await herald.admin.put('/v1/recipients/pref-2/preferences', {
      channels: [false],
      categories: 'none',
      surprise: 1,
    });
    expectProblem<ValidationProblem>(shapes, 422);
    expect(shapes.body.errors.map((e) => e.path).sort()).toEqual(['categories', 'channels', 'surprise']);

    expect((await herald.admin.get('/v1/recipients/pref-2/preferences')).body).toEqual({
      channels: {},
      categories: {},
    });
  });

  it('lets a recipients key write them and a read key only read them', async () => {
    expect((await herald.admin.put('/v1/recipients/pref-3', {})).status).toBe(201);
    const reader = await keyWith('read');
    const manager = await keyWith('recipients');
    const sender = await keyWith('send');

    expect((await manager.put('/v1/recipients/pref-3/preferences', { channels: { email: false } })).status).toBe(200);
    expect((await reader.get('/v1/recipients/pref-3/preferences')).body).toEqual({
      channels: { email: false },
      categories: {},
    });
    expectProblem(await reader.put('/v1/recipients/pref-3/preferences', { channels: {} }), 403);
    expectProblem(await sender.get('/v1/recipients/pref-3/preferences'), 403);
    expectProblem(await reader.delete('/v1/recipients/pref-3'), 403);
  });
});

describe('opt-outs at accept time', () => {
  beforeAll(async () => {
    const templates = {
      promo: aTemplate({
        name: 'Promo',
        category: 'marketing',
        channels: { email: { subject: 'Sale', text: 'Sale' }, in_app: { body: 'Sale' } },
      }),
      shipped: aTemplate({
        name: 'Shipped',
        category: 'orders',
        channels: {
          email: { subject: 'Shipped', text: 'Shipped' },
          sms: { text: 'Shipped' },
          in_app: { body: 'Shipped' },
        },
      }),
      security: aTemplate({
        name: 'Security alert',
        category: 'marketing',
        critical: true,
        channels: { email: { subject: 'New sign-in', text: 'New sign-in' }, sms: { text: 'New sign-in' } },
      }),
    };
    for (const [key, definition] of Object.entries(templates)) {
      expect((await herald.admin.put(`/v1/admin/templates/${key}`, definition)).status).toBe(201);
    }
    expect(
      (await herald.admin.put('/v1/recipients/opt-1', { email: 'opt1@example.com', phone: '+14155550101' })).status,
    ).toBe(201);
    const optOuts = recipientPreferences({
      channels: { sms: false },
      categories: { marketing: false, orders: { email: false } },
    });
    expect((await herald.admin.put('/v1/recipients/opt-1/preferences', optOuts)).status).toBe(200);
  });

  it('skips a channel opted out as a channel and one opted out for the category, and sends the rest', async () => {
    const sent = await sendNotification(herald.admin, { template: 'shipped', to: { recipientId: 'opt-1' } });
    expect(sent.status).toBe(202);
    expect(statuses(sent.body)).toEqual({ email: 'skipped:opted_out', sms: 'skipped:opted_out', in_app: 'queued' });
    const settled = await settledNotification(herald.admin, sent.body.id, 'completed');
    expect(settled.deliveries.find((d) => d.channel === 'in_app')?.status).toBe('delivered');
  });

  it('skips every channel of a category opted out as a whole', async () => {
    const sent = await sendNotification(herald.admin, { template: 'promo', to: { recipientId: 'opt-1' } });
    expect(sent.status).toBe(202);
    expect(statuses(sent.body)).toEqual({ email: 'skipped:opted_out', in_app: 'skipped:opted_out' });
    // Nothing to send: the notification has ended already.
    expect(sent.body.status).toBe('completed');
  });

  it('applies only channel opt-outs to inline content, and keeps no_address for a channel without one', async () => {
    const sent = await sendNotification(herald.admin, {
      content: {
        email: { subject: 'One-off', text: 'One-off' },
        sms: { text: 'One-off' },
        webhook: { payload: { a: 1 } },
      },
      to: { recipientId: 'opt-1' },
    });
    expect(sent.status).toBe(202);
    expect(statuses(sent.body)).toEqual({ email: 'queued', sms: 'skipped:opted_out', webhook: 'skipped:no_address' });
    await eventually(() => smtp.messages.find((m) => m.parsed.subject === 'One-off'), { what: 'the inline email' });
  });

  it('sends a critical template whatever the recipient opted out of', async () => {
    const sent = await sendNotification(herald.admin, { template: 'security', to: { recipientId: 'opt-1' } });
    expect(sent.status).toBe(202);
    expect(statuses(sent.body)).toEqual({ email: 'queued', sms: 'queued' });
    const mail = await eventually(() => smtp.messages.find((m) => m.parsed.subject === 'New sign-in'), {
      what: 'the critical email',
    });
    expect(mail.envelope.to).toEqual(['opt1@example.com']);
    const settled = await settledNotification(herald.admin, sent.body.id, 'completed');
    expect(settled.deliveries.map((d) => d.status)).toEqual(['sent', 'sent']);
    // The opted-out, non-critical templates never reached the SMTP server.
    expect(smtp.messages.filter((m) => ['Sale', 'Shipped'].includes(m.parsed.subject ?? ''))).toEqual([]);
  });

  it('applies no opt-out of a recipient to a send with inline addresses only', async () => {
    const sent = await sendNotification(herald.admin, { template: 'promo', to: { email: 'opt1@example.com' } });
    expect(sent.status).toBe(202);
    expect(statuses(sent.body)).toEqual({ email: 'queued', in_app: 'skipped:no_address' });
  });
});

describe('DELETE /v1/recipients/{id}', () => {
  const id = 'gone-1';
  const personal = {
    email: 'gone@example.com',
    phone: '+14155550199',
    webhookUrl: 'https://hooks.gone.example/herald',
    locale: 'fr',
    timezone: 'Europe/Paris',
    data: { plan: 'pro' },
  };
  const override = 'gone-override@example.com';
  const fcmToken = 'fcm-token-of-gone-1';
  const secrets = [personal.email, personal.phone, personal.webhookUrl, override, fcmToken, 'Ada Lovelace', 'A-1001'];

  /** Every row of this recipient's history as one text, to search for what must be gone. */
  async function historyText(): Promise<string> {
    const { rows } = await herald.pg.query<{ row: string }>(
      `SELECT json_build_object('n', to_jsonb(n), 'd', to_jsonb(d), 'a', to_jsonb(a))::text AS row
       FROM notifications n LEFT JOIN deliveries d ON d.notification_id = n.id
         LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
       WHERE n.recipient_id = $1`,
      [id],
    );
    expect(rows.length).toBeGreaterThan(0);
    return rows.map((row) => row.row).join('\n');
  }

  it('erases the fields, subscriptions, inbox and the addresses in its history; keeps the ids; then answers 404', async () => {
    expect((await herald.admin.put(`/v1/recipients/${id}`, personal)).status).toBe(201);
    expect((await herald.admin.put(`/v1/recipients/${id}/preferences`, { channels: { push: false } })).status).toBe(
      200,
    );
    expect(
      (await herald.admin.post(`/v1/recipients/${id}/push-subscriptions`, { type: 'fcm', token: fcmToken })).status,
    ).toBe(201);
    const data = { name: 'Ada Lovelace', orderId: 'A-1001' };

    // Delivered: an inbox message, a captured SMS and an email to an inline address, with personal data rendered in.
    const delivered = await sendNotification(herald.admin, {
      content: {
        in_app: { title: 'Hi {{name}}', body: 'Order {{orderId}}' },
        sms: { text: 'Hi {{name}}' },
        email: { subject: 'Order {{orderId}}', text: 'Hi {{name}}' },
      },
      to: { recipientId: id, email: override },
      data,
    });
    expect(delivered.status).toBe(202);
    await settledNotification(herald.admin, delivered.body.id, 'completed');
    expect((await herald.admin.get<InboxPage>(`/v1/recipients/${id}/inbox`)).body.items).toHaveLength(1);

    // Failed: the SMTP server's refusal quotes the address, and the history keeps that error.
    smtp.reject = { code: 550, message: `5.1.1 <${personal.email}>: Recipient address rejected` };
    const failed = await sendNotification(herald.admin, {
      content: { email: { subject: 'Order {{orderId}}', text: 'Hi {{name}}' } },
      to: { recipientId: id },
      data,
    });
    const failedBefore = await settledNotification(herald.admin, failed.body.id, 'failed');
    smtp.reject = undefined;
    expect(failedBefore.deliveries[0].error).toContain(personal.email);

    // Scheduled: not started yet when the recipient is deleted.
    const scheduled = await sendNotification(herald.admin, {
      content: { email: { subject: 'Later {{orderId}}', text: 'Hi {{name}}' } },
      to: { recipientId: id },
      data,
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(scheduled.body.deliveries[0].status).toBe('scheduled');

    const before = await historyText();
    for (const secret of [personal.email, personal.phone, override, 'Ada Lovelace']) expect(before).toContain(secret);

    const deleted = await herald.admin.delete(`/v1/recipients/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');

    // The recipient, its subscriptions and its inbox are gone.
    expect((await herald.pg.query('SELECT 1 FROM recipients WHERE id = $1', [id])).rowCount).toBe(0);
    expect((await herald.pg.query('SELECT 1 FROM push_subscriptions WHERE recipient_id = $1', [id])).rowCount).toBe(0);
    expect((await herald.pg.query('SELECT 1 FROM inbox_messages WHERE recipient_id = $1', [id])).rowCount).toBe(0);
    expect((await herald.admin.get(`/v1/recipients/${id}/inbox`)).body).toMatchObject({ items: [], unreadCount: 0 });

    // The history keeps ids and statuses, and none of the personal data.
    const after = await historyText();
    for (const secret of secrets) expect(after).not.toContain(secret);
    const { rows: notifications } = await herald.pg.query(
      'SELECT id, recipient, data, locale, status FROM notifications WHERE recipient_id = $1 ORDER BY id',
      [id],
    );
    expect(notifications).toEqual([
      { id: delivered.body.id, recipient: { recipientId: id }, data: {}, locale: null, status: 'completed' },
      { id: failed.body.id, recipient: { recipientId: id }, data: {}, locale: null, status: 'failed' },
      { id: scheduled.body.id, recipient: { recipientId: id }, data: {}, locale: null, status: 'cancelled' },
    ]);
    const { rows: deliveries } = await herald.pg.query<{ address: unknown; content: unknown }>(
      `SELECT d.address, d.content FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.recipient_id = $1`,
      [id],
    );
    expect(deliveries).toHaveLength(5);
    expect(deliveries.every((d) => d.address === null && d.content === null)).toBe(true);

    const failedAfter = await readNotification(herald.admin, failed.body.id);
    expect(failedAfter.deliveries[0]).toMatchObject({ status: 'failed', content: null });
    expect(failedAfter.deliveries[0].error).toContain('<[erased]>: Recipient address rejected');
    expect(failedAfter.deliveries[0].attempts[0].error).toContain('<[erased]>');
    const deliveredAfter = await readNotification(herald.admin, delivered.body.id);
    expect(deliveredAfter).toMatchObject({ recipientId: id, data: {}, status: 'completed' });
    expect(deliveredAfter.deliveries.map((d) => d.status).sort()).toEqual(['delivered', 'sent', 'sent']);
    const scheduledAfter = await readNotification(herald.admin, scheduled.body.id);
    expect(scheduledAfter.deliveries[0]).toMatchObject({ status: 'cancelled', reason: 'recipient_deleted' });

    // Afterwards the id is unknown everywhere.
    expectProblem(await herald.admin.get(`/v1/recipients/${id}`), 404);
    expectProblem(await herald.admin.delete(`/v1/recipients/${id}`), 404);
    expectProblem(await herald.admin.get(`/v1/recipients/${id}/preferences`), 404);
    const send = await herald.admin.post('/v1/notifications', aNotification({ to: { recipientId: id } }));
    expectProblem<ValidationProblem>(send, 422);
    expect(send.body.errors[0].path).toBe('to.recipientId');

    // No tombstone: the id can be used again, and starts empty.
    expect((await herald.admin.put(`/v1/recipients/${id}`, {})).status).toBe(201);
    expect((await herald.admin.get(`/v1/recipients/${id}/preferences`)).body).toEqual(recipientPreferences());
  });

  it('answers 404 for an unknown recipient on each route', async () => {
    const unknown = '/v1/recipients/nobody-here';
    expectProblem(await herald.admin.get(unknown), 404);
    expectProblem(await herald.admin.delete(unknown), 404);
    expectProblem(await herald.admin.get(`${unknown}/preferences`), 404);
    expectProblem(await herald.admin.put(`${unknown}/preferences`, { channels: { sms: false } }), 404);
    expectProblem(await herald.admin.post(`${unknown}/push-subscriptions`, { type: 'fcm', token: 't' }), 404);
    // Preferences never create the recipient.
    expect((await herald.pg.query('SELECT 1 FROM recipients WHERE id = $1', ['nobody-here'])).rowCount).toBe(0);
  });
});
