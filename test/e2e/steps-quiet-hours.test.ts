import { describe, expect, it } from 'vitest';
import { problemOf, problemPaths } from '../support/api-client';
import type { InboxPage, NotificationView, RecipientPreferences } from '../support/api-types';
import { eventually } from '../support/eventually';
import { aRecipient, aTemplate, aTemplatedNotification, recipientPreferences } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { readNotification, sendNotification, settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';

/** `channel: status` or `channel: status:reason` of each delivery. */
function statuses(body: { deliveries: { channel: string; status: string; reason?: string | null }[] }) {
  return Object.fromEntries(body.deliveries.map((d) => [d.channel, d.reason ? `${d.status}:${d.reason}` : d.status]));
}

/** In-app first; email `delay` seconds later unless the in-app message was read by then. */
const escalation = (delay: number) =>
  aTemplate({
    channels: { in_app: { body: 'Hi {{name}}' }, email: { subject: 'Unread: hi {{name}}', text: 'Hi {{name}}' } },
    steps: [{ channel: 'in_app' }, { channel: 'email', delay, unless: 'read' }],
  });

describe.each(queueBackends())('escalation steps, $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  const herald = useHerald({ backend, peers: [smtp], env: () => ({ SMTP_URL: smtp.url }) });
  const mailsTo = (address: string) => smtp.messages.filter((mail) => mail.envelope.to.includes(address));

  const inAppOf = async (recipientId: string, notificationId: string) =>
    eventually(
      async () =>
        (await herald.admin.get<InboxPage>(`/v1/recipients/${recipientId}/inbox`)).body.items.find(
          (message) => message.notificationId === notificationId,
        ),
      { what: 'the in-app message' },
    );

  it.skipIf(skip)('unread: the email step goes after its delay', async () => {
    await herald.admin.put('/v1/admin/templates/esc-unread', escalation(2));
    await herald.admin.put('/v1/recipients/esc-u', aRecipient({ email: 'escu@example.com' }));
    const sent = await sendNotification(herald.admin, aTemplatedNotification('esc-unread', 'esc-u', { name: 'Ada' }));
    expect(sent.status).toBe(202);
    expect(statuses(sent.body)).toEqual({ in_app: 'queued', email: 'scheduled:step_delay' });
    await inAppOf('esc-u', sent.body.id);
    expect(mailsTo('escu@example.com')).toHaveLength(0);

    const done = await settledNotification(herald.admin, sent.body.id, 'completed', 20_000);
    expect(statuses(done)).toEqual({ email: 'sent:step_delay', in_app: 'delivered' });
    expect(mailsTo('escu@example.com')).toHaveLength(1);
  });

  it.skipIf(skip)('read: the email step ends skipped, already_read', async () => {
    await herald.admin.put('/v1/admin/templates/esc-read', escalation(4));
    await herald.admin.put('/v1/recipients/esc-r', aRecipient({ email: 'escr@example.com' }));
    const sent = await sendNotification(herald.admin, aTemplatedNotification('esc-read', 'esc-r', { name: 'Bo' }));
    const message = await inAppOf('esc-r', sent.body.id);
    expect((await herald.admin.post(`/v1/recipients/esc-r/inbox/${message.id}/read`)).status).toBeLessThan(300);

    const done = await settledNotification(herald.admin, sent.body.id, 'completed', 20_000);
    expect(statuses(done)).toEqual({ email: 'skipped:already_read', in_app: 'delivered' });
    expect(done.deliveries.find((d) => d.channel === 'email')).toMatchObject({ attemptCount: 0, attempts: [] });
    expect(mailsTo('escr@example.com')).toHaveLength(0);
  });

  it.skipIf(skip)('cancelling the notification cancels its pending step', async () => {
    await herald.admin.put('/v1/admin/templates/esc-cancel', escalation(600));
    await herald.admin.put('/v1/recipients/esc-c', aRecipient({ email: 'escc@example.com' }));
    const sent = await sendNotification(herald.admin, aTemplatedNotification('esc-cancel', 'esc-c', { name: 'Cy' }));
    await inAppOf('esc-c', sent.body.id);
    const cancelled = await herald.admin.post<NotificationView>(`/v1/notifications/${sent.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(statuses(cancelled.body)).toMatchObject({ email: 'cancelled:step_delay', in_app: 'delivered' });
  });
});

/** `HH:MM` in UTC, `minutes` from now. */
function utcClock(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString().slice(11, 16);
}

describe('quiet hours and sendAtLocal', () => {
  const herald = useHerald();

  it('stores quiet hours and refuses a bad time at PUT', async () => {
    await herald.admin.put('/v1/recipients/qh-put', aRecipient({ timezone: 'Europe/Berlin' }));
    const quietHours = { start: '22:00', end: '08:00' };
    const put = await herald.admin.put('/v1/recipients/qh-put/preferences', recipientPreferences({ quietHours }));
    expect(put.status).toBe(200);
    expect((await herald.admin.get<RecipientPreferences>('/v1/recipients/qh-put/preferences')).body).toMatchObject({
      quietHours,
    });
    const bad = await herald.admin.put('/v1/recipients/qh-put/preferences', {
      quietHours: { start: '24:00', end: '8:00', zone: 'x' },
    });
    expect(problemPaths(problemOf(bad, 422))).toEqual(['quietHours.zone', 'quietHours.start', 'quietHours.end']);
    const same = await herald.admin.put('/v1/recipients/qh-put/preferences', {
      quietHours: { start: '08:00', end: '08:00' },
    });
    expect(problemPaths(problemOf(same, 422))).toEqual(['quietHours.end']);
    const badZone = await herald.admin.put('/v1/recipients/qh-put', aRecipient({ timezone: 'Mars/Olympus' }));
    expect(problemPaths(problemOf(badZone, 422))).toEqual(['timezone']);
  });

  it('schedules a non-critical delivery due inside quiet hours for their end; a critical one goes now', async () => {
    await herald.admin.put('/v1/recipients/qh-1', aRecipient({ email: 'qh1@example.com' }));
    const [start, end] = [utcClock(-60), utcClock(60)];
    await herald.admin.put('/v1/recipients/qh-1/preferences', recipientPreferences({ quietHours: { start, end } }));
    await herald.admin.put('/v1/admin/templates/qh-normal', aTemplate());
    await herald.admin.put('/v1/admin/templates/qh-critical', aTemplate({ critical: true }));

    const quiet = await sendNotification(herald.admin, aTemplatedNotification('qh-normal', 'qh-1'));
    expect(quiet.body).toMatchObject({ status: 'scheduled' });
    expect(statuses(quiet.body)).toEqual({ email: 'scheduled:quiet_hours' });
    const stored = await readNotification(herald.admin, quiet.body.id);
    const endsAt = new Date(stored.deliveries[0].nextAttemptAt!);
    expect(endsAt.toISOString().slice(11, 16)).toBe(end);
    expect(endsAt.getTime() - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(stored.sendAt).toBe(endsAt.toISOString());

    const critical = await sendNotification(herald.admin, aTemplatedNotification('qh-critical', 'qh-1'));
    expect(statuses(critical.body)).toEqual({ email: 'queued' });
  });

  it('reads sendAtLocal in the recipient zone; with sendAt it is refused', async () => {
    await herald.admin.put(
      '/v1/recipients/qh-ny',
      aRecipient({ email: 'ny@example.com', timezone: 'America/New_York' }),
    );
    await herald.admin.put('/v1/admin/templates/qh-local', aTemplate());
    const summer = await sendNotification(
      herald.admin,
      aTemplatedNotification('qh-local', 'qh-ny', {}, { sendAtLocal: '2030-07-01T09:00' }),
    );
    expect(summer.body).toMatchObject({ status: 'scheduled' });
    expect((await readNotification(herald.admin, summer.body.id)).sendAt).toBe('2030-07-01T13:00:00.000Z');
    const winter = await sendNotification(
      herald.admin,
      aTemplatedNotification('qh-local', 'qh-ny', {}, { sendAtLocal: '2030-12-02T09:00' }),
    );
    expect((await readNotification(herald.admin, winter.body.id)).sendAt).toBe('2030-12-02T14:00:00.000Z');

    const both = await sendNotification(
      herald.admin,
      aTemplatedNotification(
        'qh-local',
        'qh-ny',
        {},
        { sendAtLocal: '2030-12-02T09:00', sendAt: '2030-12-02T09:00:00Z' },
      ),
    );
    expect(problemPaths(problemOf(both, 422))).toEqual(['sendAtLocal']);
    const bad = await sendNotification(
      herald.admin,
      aTemplatedNotification('qh-local', 'qh-ny', {}, { sendAtLocal: '2030-02-30T09:00' }),
    );
    expect(problemPaths(problemOf(bad, 422))).toEqual(['sendAtLocal']);
  });
});
