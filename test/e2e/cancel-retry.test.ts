import { setTimeout as sleep } from 'node:timers/promises';
import { DeliveryQueue } from '@herald/core';
import { DeliveryService } from '@herald/notifications';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningHerald, startHerald } from '../support/herald-app';
import { settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';

describe.each(queueBackends())('cancel and retry with a worker, $name queue backend', ({ env, skip }) => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let herald: RunningHerald;
  let pg: Client;

  const mailsTo = (address: string) => smtp.messages.filter((mail) => mail.envelope.to.includes(address));

  beforeAll(async () => {
    if (skip) return;
    db = await createTestDatabase();
    smtp = await new SmtpSink().start();
    herald = await startHerald({ databaseUrl: db.url, env: { ...env, SMTP_URL: smtp.url } });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    if (skip) return;
    await pg?.end();
    await herald?.close();
    await smtp?.stop();
    await db?.drop();
  });

  it.skipIf(skip)('cancels a scheduled notification: its job runs at sendAt and sends nothing', async () => {
    const sendAt = new Date(Date.now() + 1_500);
    const sent = await herald.admin.post('/v1/notifications', {
      content: { email: { subject: 'later', text: 'not to be sent' } },
      to: { email: 'later@example.com' },
      sendAt: sendAt.toISOString(),
    });
    expect(sent.body).toMatchObject({ status: 'scheduled', deliveries: [{ status: 'scheduled' }] });
    const deliveryId = sent.body.deliveries[0].id;
    const queue = herald.app.get(DeliveryQueue).queue('email');
    expect(await queue.getJobState(deliveryId)).toBe('delayed');

    const cancelled = await herald.admin.post(`/v1/notifications/${sent.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      deliveries: [{ id: deliveryId, status: 'cancelled' }],
    });

    // The job stays delayed until sendAt, then runs, finds the row cancelled, and is done.
    await eventually(async () => Date.now() > sendAt.getTime() && (await queue.getJobState(deliveryId)) === 'unknown', {
      what: 'the delayed job to run',
    });
    await sleep(200);
    expect(mailsTo('later@example.com')).toHaveLength(0);
    const after = (await herald.admin.get(`/v1/notifications/${sent.body.id}`)).body;
    expect(after).toMatchObject({
      status: 'cancelled',
      deliveries: [{ status: 'cancelled', attemptCount: 0, attempts: [] }],
    });
  });

  it.skipIf(skip)('a worker handed the job of a cancelled delivery does nothing', async () => {
    const sent = await herald.admin.post('/v1/notifications', {
      content: { email: { subject: 'never', text: 'x' } },
      to: { email: 'never@example.com' },
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const deliveryId = sent.body.deliveries[0].id;
    await herald.admin.post(`/v1/notifications/${sent.body.id}/cancel`);

    // What the worker runs for a job, called directly: the claim takes only queued/scheduled rows.
    await herald.app.get(DeliveryService).deliver(deliveryId);
    await herald.app.get(DeliveryService).deliver(deliveryId);
    const { rows } = await pg.query(
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
      sent = await herald.admin.post('/v1/notifications', {
        content: { email: { subject: 'second chance', text: 'hello again' } },
        to: { email: 'retry@example.com' },
      });
      const failed = await settledNotification(herald.admin, sent.body.id, 'failed');
      expect(failed.deliveries[0]).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/mailbox unavailable/),
      });
    } finally {
      smtp.reject = undefined;
    }
    const deliveryId = sent.body.deliveries[0].id;

    // Straight away: the job of the failed attempt may still be on its way out of the queue.
    const retried = await herald.admin.post(`/v1/admin/deliveries/${deliveryId}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: deliveryId, status: 'queued', error: null, attemptCount: 1 });

    const done = await settledNotification(herald.admin, sent.body.id, 'completed');
    expect(done.deliveries[0]).toMatchObject({ status: 'sent', error: null, attemptCount: 2 });
    expect(done.deliveries[0].attempts).toMatchObject([
      { attempt: 1, outcome: 'permanent_error', error: expect.stringMatching(/mailbox unavailable/) },
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
