import { DigestCloseService, DigestQueue } from '@herald/notifications';
import { describe, expect, it } from 'vitest';
import { problemOf, problemPaths } from '../support/api-client';
import type { DigestedSend, DigestView, InboxPage, NotificationView } from '../support/api-types';
import { eventually } from '../support/eventually';
import { aRecipient, aTemplate, aTemplatedNotification } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';

/** A digest template on email and in-app: every send's `n`, in the order the digest holds them. */
const digestTemplate = (digest: { window: number; key: string; maxEvents?: number }) =>
  aTemplate({
    channels: {
      email: { subject: '{{count}} new comments', text: '{{#each events}}[{{n}}]{{/each}}' },
      in_app: { title: '{{count}} new comments', body: '{{#each events}}[{{n}}]{{/each}}' },
    },
    schema: { type: 'object', required: ['n', 'project'] },
    digest,
  });

describe.each(queueBackends())('digests, $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  const herald = useHerald({ backend, peers: [smtp], env: () => ({ SMTP_URL: smtp.url }) });

  const mailsTo = (address: string) => smtp.messages.filter((mail) => mail.envelope.to.includes(address));
  const send = (template: string, recipientId: string, data: Record<string, unknown>) =>
    herald.admin.post<DigestedSend>('/v1/notifications', aTemplatedNotification(template, recipientId, data));
  const digest = (id: string) => herald.admin.get<DigestView>(`/v1/digests/${id}`);
  const closedDigest = (id: string, timeoutMs = 20_000) =>
    eventually(async () => ((await digest(id)).body.status === 'closed' ? (await digest(id)).body : false), {
      what: `digest ${id} to close`,
      timeoutMs,
    });
  const numbers = (text: string) => [...text.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));

  it.skipIf(skip)(
    '50 concurrent sends for one recipient and key: one delivery per channel with 50 events',
    async () => {
      await herald.admin.put(
        '/v1/admin/templates/comments-50',
        digestTemplate({ window: 60, key: '{{project}}', maxEvents: 50 }),
      );
      await herald.admin.put('/v1/recipients/dig-50', aRecipient({ email: 'dig50@example.com' }));

      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, n) => send('comments-50', 'dig-50', { n, project: 'apollo' })),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(202);
        expect(answer.body).toMatchObject({ status: 'digested' });
      }
      const ids = new Set(answers.map((answer) => answer.body.digestId));
      expect(ids.size).toBe(1);
      const [digestId] = ids;

      // Full at its 50th send: closed at once, not at the end of its minute.
      const closed = await closedDigest(digestId);
      expect(closed).toMatchObject({ count: 50, maxEvents: 50, key: 'apollo', error: null });
      const notification = await settledNotification(herald.admin, closed.notificationId!, 'completed', 20_000);
      expect(notification.data).toMatchObject({ count: 50 });
      expect(notification.digestId).toBe(digestId);
      expect(notification.deliveries.map((delivery) => [delivery.channel, delivery.status])).toEqual([
        ['email', 'sent'],
        ['in_app', 'delivered'],
      ]);

      await eventually(() => mailsTo('dig50@example.com').length === 1, { what: 'the digest email' });
      const [mail] = mailsTo('dig50@example.com');
      expect(mail.parsed.subject).toBe('50 new comments');
      // Every send once, in the order the digest took them (the sends were concurrent, so any order).
      expect(numbers(mail.parsed.text ?? '').sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, n) => n));
      const inbox = await herald.admin.get<InboxPage>('/v1/recipients/dig-50/inbox');
      expect(inbox.body.items).toHaveLength(1);
      expect(numbers(inbox.body.items[0].body)).toEqual(numbers(mail.parsed.text ?? ''));

      // Exactly one notification, whatever the close job and the reconciler both tried.
      await herald.app.get(DigestCloseService).closeDue();
      await herald.app.get(DigestCloseService).close(digestId);
      const { rows } = await herald.pg.query(`SELECT count(*)::int AS n FROM notifications WHERE template_key = $1`, [
        'comments-50',
      ]);
      expect(rows).toEqual([{ n: 1 }]);
      expect(mailsTo('dig50@example.com')).toHaveLength(1);
    },
  );

  it.skipIf(skip)(
    'closes at the end of its window in order; keys apart; a send after the close opens another',
    async () => {
      await herald.admin.put('/v1/admin/templates/comments-window', digestTemplate({ window: 4, key: '{{project}}' }));
      await herald.admin.put('/v1/recipients/dig-w', aRecipient({ email: 'digw@example.com' }));

      const first = [];
      for (const n of [1, 2, 3]) first.push((await send('comments-window', 'dig-w', { n, project: 'a' })).body);
      const other = (await send('comments-window', 'dig-w', { n: 9, project: 'b' })).body;
      expect(new Set(first.map((answer) => answer.digestId)).size).toBe(1);
      expect(other.digestId).not.toBe(first[0].digestId);

      const closed = await closedDigest(first[0].digestId);
      expect(closed).toMatchObject({ count: 3, key: 'a' });
      const notification = await settledNotification(herald.admin, closed.notificationId!, 'completed', 20_000);
      expect(notification.data).toEqual({
        count: 3,
        events: [
          { n: 1, project: 'a' },
          { n: 2, project: 'a' },
          { n: 3, project: 'a' },
        ],
      });
      await closedDigest(other.digestId);

      const after = await send('comments-window', 'dig-w', { n: 4, project: 'a' });
      expect(after.status).toBe(202);
      expect(after.body.digestId).not.toBe(first[0].digestId);
      await closedDigest(after.body.digestId);
      await eventually(() => mailsTo('digw@example.com').length === 3, { what: 'three digest emails' });
      const texts = mailsTo('digw@example.com').map((mail) => mail.parsed.text?.trim());
      expect(texts.sort()).toEqual(['[1][2][3]', '[4]', '[9]']);
    },
  );

  it.skipIf(skip)('maxEvents closes a digest early, and the next send opens the next one', async () => {
    await herald.admin.put('/v1/admin/templates/comments-max', digestTemplate({ window: 5, key: 'all', maxEvents: 3 }));
    await herald.admin.put('/v1/recipients/dig-m', aRecipient({ email: 'digm@example.com' }));
    const answers = [];
    for (const n of [1, 2, 3, 4, 5]) answers.push((await send('comments-max', 'dig-m', { n, project: 'x' })).body);
    const [a, b] = [answers[0].digestId, answers[3].digestId];
    expect(answers.map((answer) => answer.digestId)).toEqual([a, a, a, b, b]);
    expect(a).not.toBe(b);
    expect(await closedDigest(a)).toMatchObject({ count: 3 });
    expect(await closedDigest(b)).toMatchObject({ count: 2 });
    await eventually(() => mailsTo('digm@example.com').length === 2, { what: 'two digest emails' });
  });

  it.skipIf(skip)('a lost close job is made up by the reconciler, exactly once even when closes race', async () => {
    await herald.admin.put('/v1/admin/templates/comments-lost', digestTemplate({ window: 1, key: 'k' }));
    await herald.admin.put('/v1/recipients/dig-l', aRecipient({ email: 'digl@example.com' }));
    const sent = (await send('comments-lost', 'dig-l', { n: 1, project: 'p' })).body;
    // The close job, gone as with a queue store emptied, before it ran (the window is a second).
    const queue = herald.app.get<DigestQueue, { queue: { remove(id: string): Promise<number> } }>(DigestQueue).queue;
    await queue.remove(`${sent.digestId}-window`);
    await eventually(async () => new Date((await digest(sent.digestId)).body.closesAt).getTime() < Date.now(), {
      what: 'the window to pass',
    });
    // What a worker killed in the close leaves too: a digest past its time, not closed. Concurrent closes meet
    // on its row lock: one makes the notification, the others find it closed.
    const closes = herald.app.get(DigestCloseService);
    await Promise.all([closes.closeDue(), closes.close(sent.digestId), closes.close(sent.digestId)]);
    const closed = await closedDigest(sent.digestId);
    await settledNotification(herald.admin, closed.notificationId!, 'completed', 20_000);
    const { rows } = await herald.pg.query(`SELECT count(*)::int AS n FROM notifications WHERE template_key = $1`, [
      'comments-lost',
    ]);
    expect(rows).toEqual([{ n: 1 }]);
    await eventually(() => mailsTo('digl@example.com').length === 1, { what: 'the digest email' });
  });
});

describe('digest rules at the edges', () => {
  const herald = useHerald();

  it('refuses a bad digest or steps at template PUT with 422', async () => {
    const bad = await herald.admin.put(
      '/v1/admin/templates/bad-digest',
      aTemplate({ digest: { window: 0, key: '{{#if}}', maxEvents: 5000 } }),
    );
    expect(problemPaths(problemOf(bad, 422)).sort()).toEqual(['digest.maxEvents', 'digest.window']);
    const badKey = await herald.admin.put(
      '/v1/admin/templates/bad-key',
      aTemplate({ digest: { window: 5, key: '{{#if}}' } }),
    );
    expect(problemPaths(problemOf(badKey, 422))).toEqual(['digest.key']);
    const badSteps = await herald.admin.put(
      '/v1/admin/templates/bad-steps',
      aTemplate({ steps: [{ channel: 'sms' }, { channel: 'email', delay: 5, unless: 'read' }] }),
    );
    expect(problemPaths(problemOf(badSteps, 422))).toEqual(['steps[0].channel', 'steps[1].unless']);
  });

  it('refuses what a digested send cannot carry, and data the schema refuses; inline sends are not digested', async () => {
    await herald.admin.put('/v1/admin/templates/edge-digest', digestTemplate({ window: 60, key: '{{project}}' }));
    await herald.admin.put('/v1/recipients/dig-e', aRecipient({ email: 'dige@example.com' }));
    const scheduled = await herald.admin.post(
      '/v1/notifications',
      aTemplatedNotification('edge-digest', 'dig-e', { n: 1, project: 'p' }, { sendAt: new Date().toISOString() }),
    );
    expect(problemPaths(problemOf(scheduled, 422))).toEqual(['sendAt']);
    const noProject = await herald.admin.post(
      '/v1/notifications',
      aTemplatedNotification('edge-digest', 'dig-e', { n: 1 }),
    );
    expect(problemPaths(problemOf(noProject, 422))).toEqual(['data.project']);
    const inline = await herald.admin.post<NotificationView>('/v1/notifications', {
      template: 'edge-digest',
      to: { email: 'inline@example.com' },
      data: { n: 1, project: 'p', events: [], count: 0 },
    });
    expect(inline.status).toBe(202);
    expect(inline.body).toMatchObject({ status: 'accepted' });

    // Replayed with its idempotency key: the same digest, one event.
    const body = aTemplatedNotification('edge-digest', 'dig-e', { n: 2, project: 'q' });
    const once = await herald.admin.post<DigestedSend>('/v1/notifications', body, { 'Idempotency-Key': 'dig-once' });
    const twice = await herald.admin.post<DigestedSend>('/v1/notifications', body, { 'Idempotency-Key': 'dig-once' });
    expect(twice.headers.get('idempotent-replayed')).toBe('true');
    expect(twice.body).toEqual(once.body);
    expect((await herald.admin.get<DigestView>(`/v1/digests/${once.body.digestId}`)).body.count).toBe(1);
    expect((await herald.admin.get('/v1/digests/00000000-0000-7000-8000-000000000000')).status).toBe(404);
  });
});
