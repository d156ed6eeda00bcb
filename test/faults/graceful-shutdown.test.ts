import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { startHerald } from '../support/herald-app';
import { SmtpSink } from '../support/smtp-sink';
import { queueBackends } from '../support/queue-backends';

const backends = queueBackends();

/** Closing the app (SIGTERM) lets a send in flight finish and records it, then releases every connection. */
describe.each(backends)('graceful shutdown on the $name queue backend', ({ env, skip }) => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let pg: Client;

  beforeAll(async () => {
    if (skip) return;
    db = await createTestDatabase();
    smtp = await new SmtpSink().start();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    if (skip) return;
    await pg?.end();
    await smtp?.stop();
    await db?.drop();
  });

  it.skipIf(skip)('finishes and records the in-flight send before closing', async () => {
    const herald = await startHerald({ databaseUrl: db.url, env: { ...env, SMTP_URL: smtp.url } });
    smtp.delayMs = 800;
    const sent = await herald.admin.post('/v1/notifications', {
      content: { email: { subject: 'last one', text: 'before shutdown' } },
      to: { email: 'shutdown@example.com' },
    });
    await eventually(
      async () => {
        const { rows } = await pg.query('SELECT status FROM deliveries WHERE id = $1', [sent.body.deliveries[0].id]);
        return rows[0].status === 'sending';
      },
      { what: 'the send to be in flight' },
    );

    await herald.close();

    const { rows } = await pg.query('SELECT status FROM deliveries WHERE id = $1', [sent.body.deliveries[0].id]);
    expect(rows[0].status).toBe('sent');
    const attempts = await pg.query('SELECT outcome FROM delivery_attempts WHERE delivery_id = $1', [
      sent.body.deliveries[0].id,
    ]);
    expect(attempts.rows).toEqual([{ outcome: 'ok' }]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('shutdown@example.com'))).toHaveLength(1);

    const open = await pg.query(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    expect(open.rows[0].n).toBe(0);
  });
});
