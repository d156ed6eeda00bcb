import { Client } from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DeliveryWorkerHost } from '@herald/worker';
import { expectProblem } from '../support/api-client';
import { eventually } from '../support/eventually';
import { anEmail } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { settledNotification, sendNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';
import { TcpProxy } from '../support/tcp-proxy';

const IN_FLIGHT = 4;
const DUE_DURING_OUTAGE = 3;

/**
 * Herald (API and worker) reaches PostgreSQL through a proxy the test cuts and restores; the test reads the rows
 * directly. Sends are in flight when it is cut, and scheduled ones come due while it is down.
 */
describe.each(queueBackends())('a PostgreSQL outage on the $name queue backend', (backend) => {
  const direct = new URL(inject('postgresUrl'));
  const proxy = new TcpProxy(direct.hostname, Number(direct.port || 5432));
  const smtp = new SmtpSink();
  const installation = useHerald({ backend, peers: [proxy, smtp], app: false });
  // Runs before the harness closes Herald (after-hooks run last registered first).
  afterAll(() => proxy.restore());

  async function statuses(): Promise<Record<string, number>> {
    const { rows } = await installation.pg.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`,
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  it.skipIf(backend.skip)(
    'answers 503 with Retry-After, pauses the worker, and records every delivery once it is back',
    async () => {
      const viaProxy = new URL(installation.db.url);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      const herald = await installation.start({
        databaseUrl: viaProxy.toString(),
        apps: ['api', 'worker'],
        env: { SMTP_URL: smtp.url, RECONCILE_INTERVAL_MS: '1000' },
      });
      // The SMTP server holds its answers, so the sends stay in flight until the outage has begun.
      const release = smtp.hold();
      const ids: string[] = [];
      for (let i = 0; i < IN_FLIGHT; i++) {
        const sent = await sendNotification(herald.admin, anEmail(`now-${i}@example.com`));
        expect(sent.status).toBe(202);
        ids.push(sent.body.id);
      }
      await eventually(async () => (await statuses()).sending === IN_FLIGHT, {
        what: 'the sends to be in flight',
        timeoutMs: 30_000,
      });
      // Due a few seconds after the outage begins (accepted together, so a slow machine does not eat the margin).
      const dueAt = new Date(Date.now() + 4_000);
      const due = await Promise.all(
        Array.from({ length: DUE_DURING_OUTAGE }, (_, i) =>
          sendNotification(herald.admin, anEmail(`due-${i}@example.com`, {}, { sendAt: dueAt.toISOString() })),
        ),
      );
      expect(due.map((response) => response.status)).toEqual(Array(DUE_DURING_OUTAGE).fill(202));
      ids.push(...due.map((response) => response.body.id));

      proxy.sever();
      expect(Date.now(), 'the outage began before the scheduled sends came due').toBeLessThan(dueAt.getTime());
      const refused = await herald.admin.post('/v1/notifications', anEmail('refused@example.com'));
      expectProblem(refused, 503);
      expect(refused.body.type).toMatch(/\/database-unavailable$/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expectProblem(await herald.admin.get(`/v1/notifications/${ids[0]}`), 503);

      // The sends in flight reach the SMTP server; their outcome cannot be written yet.
      release();
      await eventually(() => smtp.messages.length === IN_FLIGHT, {
        what: 'the sends in flight to end',
        timeoutMs: 30_000,
      });
      // The scheduled ones come due: on Redis their claim fails, and the worker stops taking jobs. (With the
      // queues in PostgreSQL, BullMQ cannot fetch them either: they run once it is back.)
      const host = herald.app.get(DeliveryWorkerHost);
      if (backend.env.REDIS_URL)
        await eventually(() => host.paused, { what: 'the worker to pause', timeoutMs: 30_000 });
      expect(await statuses()).toMatchObject({ sending: IN_FLIGHT, scheduled: DUE_DURING_OUTAGE });

      proxy.restore();
      const accepted = await eventually(
        async () => {
          const response = await sendNotification(herald.admin, anEmail('after@example.com'));
          return response.status === 202 && response;
        },
        { what: 'the API to accept again', timeoutMs: 30_000 },
      );
      ids.push(accepted.body.id);
      await eventually(() => !host.paused, { what: 'the worker to resume', timeoutMs: 30_000 });

      for (const id of ids) await settledNotification(herald.admin, id, 'completed', 60_000);
      expect(await statuses()).toEqual({ sent: ids.length });
      // Sent once each: the outcomes written after the outage were not taken for lost sends.
      const recipients = smtp.messages.flatMap((message) => message.envelope.to).sort();
      expect(recipients).toEqual(
        [
          'after@example.com',
          ...Array.from({ length: DUE_DURING_OUTAGE }, (_, i) => `due-${i}@example.com`),
          ...Array.from({ length: IN_FLIGHT }, (_, i) => `now-${i}@example.com`),
        ].sort(),
      );
    },
    240_000,
  );

  it.skipIf(backend.skip)(
    'frees the idempotency key of a send cut off by the outage once PostgreSQL is back, not a minute later',
    async () => {
      const viaProxy = new URL(installation.db.url);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      const herald = await installation.start({ databaseUrl: viaProxy.toString(), apps: ['api'] });
      const key = { 'Idempotency-Key': 'cut-off-send' };
      const body = anEmail('cut-off@example.com');
      // The send claims its key, then waits for the table the test holds locked: cut off between the two.
      const lock = new Client({ connectionString: installation.db.url });
      await lock.connect();
      try {
        await lock.query('BEGIN');
        await lock.query('LOCK TABLE notifications IN ACCESS EXCLUSIVE MODE');
        const cutOff = herald.admin.post('/v1/notifications', body, key);
        await eventually(
          async () =>
            (await installation.pg.query(`SELECT 1 FROM idempotency_keys WHERE key = 'cut-off-send'`)).rowCount === 1,
          { what: 'the send to claim its key', timeoutMs: 30_000 },
        );
        proxy.sever();
        expectProblem(await cutOff, 503);
        // PostgreSQL would go on with the statement once the lock is free: end it, as a server shutting down does.
        await lock.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
      } finally {
        await lock.query('ROLLBACK');
        await lock.end();
      }
      proxy.restore();
      // Answered 409 (in flight) until the claim counted as abandoned (60 s) before the release was retried.
      const retried = await eventually(
        async () => {
          const response = await herald.admin.post<{ id: string }>('/v1/notifications', body, key);
          expect(response.status, JSON.stringify(response.body)).not.toBe(409);
          return response.status === 202 && response;
        },
        { what: 'the retry to be accepted', timeoutMs: 30_000 },
      );
      await expect(
        installation.pg.query(`SELECT id FROM notifications WHERE id = $1`, [retried.body.id]),
      ).resolves.toMatchObject({ rowCount: 1 });
    },
    120_000,
  );
});
