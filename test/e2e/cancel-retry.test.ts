import { setTimeout as sleep } from 'node:timers/promises';
import { DeliveryQueue } from '@herald/core';
import { DeliveryService } from '@herald/notifications';
import { describe, expect, it } from 'vitest';
import type { DeliveryHistoryItem, NotificationView } from '../support/api-types';
import { eventually } from '../support/eventually';
import { anEmail } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { is } from '../support/matchers';
import { readNotification, sendNotification, settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';

describe.each(queueBackends())('cancel and retry with a worker, $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  const herald = useHerald({ backend, peers: [smtp], env: () => ({ SMTP_URL: smtp.url }) });

  const mailsTo = (address: string) => smtp.messages.filter((mail) => mail.envelope.to.includes(address));

  it.skipIf(skip)('cancels a scheduled notification: its job runs at sendAt and sends nothing', async () => {
    // Far enough ahead that the cancel lands before it on a loaded machine.
    const sendAt = new Date(Date.now() + 5_000);
    const sent = await sendNotification(
      herald.admin,
      anEmail('later@example.com', { subject: 'later', text: 'not to be sent' }, { sendAt: sendAt.toISOString() }),
    );
    expect(sent.body).toMatchObject({ status: 'scheduled', deliveries: [{ status: 'scheduled' }] });
    const deliveryId = sent.body.deliveries[0].id;
    const queue = herald.app.get(DeliveryQueue).queue('email');
    // The 202 does not wait for the enqueue (API.md §3): the job appears just after it.
    await eventually(async () => (await queue.getJobState(deliveryId)) === 'delayed', { what: 'the delayed job' });

    const cancelled = await herald.admin.post<NotificationView>(`/v1/notifications/${sent.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      deliveries: [{ id: deliveryId, status: 'cancelled' }],
    });

    // The job stays delayed until sendAt, then runs, finds the row cancelled, and is done.
    await eventually(async () => Date.now() > sendAt.getTime() && (await queue.getJobState(deliveryId)) === 'unknown', {
      what: 'the delayed job to run',
      timeoutMs: 20_000,
    });
    await sleep(200);
    expect(mailsTo('later@example.com')).toHaveLength(0);
    const after = await readNotification(herald.admin, sent.body.id);
    expect(after).toMatchObject({
      status: 'cancelled',
      deliveries: [{ status: 'cancelled', attemptCount: 0, attempts: [] }],
    });
  });

  it.skipIf(skip)('a worker handed the job of a cancelled delivery does nothing', async () => {
    const sent = await sendNotification(
      herald.admin,
      anEmail(
        'never@example.com',
        { subject: 'never', text: 'x' },
        { sendAt: new Date(Date.now() + 3_600_000).toISOString() },
      ),
    );
    const deliveryId = sent.body.deliveries[0].id;
    await herald.admin.post(`/v1/notifications/${sent.body.id}/cancel`);

    // What the worker runs for a job, called directly: the claim takes only queued/scheduled rows.
    await herald.app.get(DeliveryService).deliver(deliveryId);
    await herald.app.get(DeliveryService).deliver(deliveryId);
    const { rows } = await herald.pg.query(
      `SELECT d.status, d.attempts, (SELECT count(*)::int FROM delivery_attempts a WHERE a.delivery_id = d.id) AS logged
       FROM deliveries d WHERE d.id = $1`,
      [deliveryId],
    );
    expect(rows).toEqual([{ status: 'cancelled', attempts: 0, logged: 0 }]);
    expect(mailsTo('never@example.com')).toHaveLength(0);
  });

  it.skipIf(skip)('retries a delivery failed by a permanent SMTP 550 once the server accepts', async () => {
    smtp.reject = { code: 550, message: 'mailbox unavailable' };
    let sent;
    try {
      sent = await sendNotification(
        herald.admin,
        anEmail('retry@example.com', { subject: 'second chance', text: 'hello again' }),
      );
      const failed = await settledNotification(herald.admin, sent.body.id, 'failed');
      expect(failed.deliveries[0]).toMatchObject({
        status: 'failed',
        error: is.stringMatching(/mailbox unavailable/),
      });
    } finally {
      smtp.reject = undefined;
    }
    const deliveryId = sent.body.deliveries[0].id;

    // Straight away: the job of the failed attempt may still be on its way out of the queue.
    const retried = await herald.admin.post<DeliveryHistoryItem>(`/v1/admin/deliveries/${deliveryId}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: deliveryId, status: 'queued', error: null, attemptCount: 1 });

    const done = await settledNotification(herald.admin, sent.body.id, 'completed');
    expect(done.deliveries[0]).toMatchObject({ status: 'sent', error: null, attemptCount: 2 });
    expect(done.deliveries[0].attempts).toMatchObject([
      { attempt: 1, outcome: 'permanent_error', error: is.stringMatching(/mailbox unavailable/) },
      { attempt: 2, outcome: 'ok' },
    ]);
    const mails = mailsTo('retry@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0].parsed.subject).toBe('second chance');

    // Sent now: another retry is refused.
    const again = await herald.admin.post(`/v1/admin/deliveries/${deliveryId}/retry`);
    expect(again.status).toBe(409);
  });
});
