import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { anEmail } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { sendNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';

/** Closing the app (SIGTERM) lets a send in flight finish and records it, then releases every connection. */
describe.each(queueBackends())('graceful shutdown on the $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  // The database and the SMTP sink; the test starts Herald and closes it itself.
  const installation = useHerald({ backend, peers: [smtp], app: false });

  it.skipIf(skip)('finishes and records the in-flight send before closing', async () => {
    const herald = await installation.start({ env: { SMTP_URL: smtp.url } });
    smtp.delayMs = 800;
    const sent = await sendNotification(
      herald.admin,
      anEmail('shutdown@example.com', { subject: 'last one', text: 'before shutdown' }),
    );
    await eventually(
      async () => {
        const { rows } = await installation.pg.query<{ status: string }>(
          'SELECT status FROM deliveries WHERE id = $1',
          [sent.body.deliveries[0].id],
        );
        return rows[0].status === 'sending';
      },
      { what: 'the send to be in flight' },
    );

    await herald.close();

    const { rows } = await installation.pg.query<{ status: string }>('SELECT status FROM deliveries WHERE id = $1', [
      sent.body.deliveries[0].id,
    ]);
    expect(rows[0].status).toBe('sent');
    const attempts = await installation.pg.query('SELECT outcome FROM delivery_attempts WHERE delivery_id = $1', [
      sent.body.deliveries[0].id,
    ]);
    expect(attempts.rows).toEqual([{ outcome: 'ok' }]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('shutdown@example.com'))).toHaveLength(1);

    const open = await installation.pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    expect(open.rows[0].n).toBe(0);
  });
});
