import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS } from '../../libs/core/src/database/migrations';
import { inboxToken } from '@herald/recipients';
import { sendAll } from '../../faults/load';
import { FaultReceiver } from '../../faults/receiver';
import { ApiClient } from '../support/api-client';
import { eventually } from '../support/eventually';
import { anInAppMessage } from '../support/factories';
import { Installation } from '../support/installation';
import { databaseUrl, dropDatabase } from '../support/local-services';
import { sendNotification } from '../support/notifications';
import { PgBouncer } from '../support/pgbouncer';
import { queueBackends } from '../support/queue-backends';
import { SseClient } from '../support/sse-client';

/** The reproduction: through PgBouncer, not one of 50 was sent in 60 s. */
const NOTIFICATIONS = 50;
const DELIVERED_WITHIN_MS = 60_000;

/**
 * Herald split in an api and a worker process with DATABASE_URL through Debian's PgBouncer in transaction mode
 * and DATABASE_DIRECT_URL straight to PostgreSQL, on a database that does not exist yet (created and migrated at
 * start), on each queue backend. Without the direct URL, BullMQ's PostgreSQL backend went through PgBouncer too:
 * PgBouncer refuses its `options` startup parameter (or, told to ignore it, loses the `search_path` it sets), so
 * every enqueue failed and deliveries stayed `queued`.
 */
describe.each(queueBackends())('through PgBouncer in transaction mode, queues on $name', ({ env, skip }) => {
  const postgresUrl = inject('postgresUrl');
  const database = `herald_pgb_${randomBytes(4).toString('hex')}`;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const inboxSecret = `inbox-${randomBytes(8).toString('hex')}`;
  let pgbouncer: PgBouncer;
  let receiver: FaultReceiver;
  let installation: Installation;
  let admin: ApiClient;

  beforeAll(async () => {
    if (skip) return;
    pgbouncer = await new PgBouncer(postgresUrl).start();
    receiver = await new FaultReceiver(secret, 0).start();
    installation = new Installation({
      databaseUrl: pgbouncer.url(database),
      apis: 1,
      workers: 1,
      env: {
        ...env,
        DATABASE_DIRECT_URL: databaseUrl(postgresUrl, database),
        WEBHOOK_SECRET: secret,
        INBOX_SECRET: inboxSecret,
      },
    });
    await installation.start();
    admin = new ApiClient(installation.baseUrl, installation.adminKey);
  }, 120_000);

  afterAll(async () => {
    await installation?.stop();
    await pgbouncer?.stop();
    await receiver?.stop();
    if (!skip) await dropDatabase(postgresUrl, database);
  });

  it.skipIf(skip)('created and migrated the database at start', async () => {
    const applied = await installation.query<{ name: string }>('SELECT name FROM schema_migrations');
    expect(applied.map((row) => row.name).sort()).toEqual(MIGRATIONS.map((migration) => migration.name).sort());
  });

  it.skipIf(skip)(
    `delivers ${NOTIFICATIONS} webhook notifications once each within 60 s, all recorded`,
    { timeout: 120_000 },
    async () => {
      const accepted = await sendAll(
        installation.baseUrl,
        installation.adminKey,
        receiver.url(),
        NOTIFICATIONS,
        Date.now() + 30_000,
      );
      expect(accepted.size).toBe(NOTIFICATIONS);
      const sent = Date.now();
      await eventually(() => receiver.deliveredCount === NOTIFICATIONS, {
        timeoutMs: DELIVERED_WITHIN_MS,
        what: `${NOTIFICATIONS} webhooks (got ${receiver.deliveredCount})`,
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n${installation.output().slice(-4_000)}`);
      });
      expect(Date.now() - sent).toBeLessThan(DELIVERED_WITHIN_MS);
      expect([...receiver.delivered.keys()].sort()).toEqual([...accepted].sort());
      expect(receiver.duplicates).toBe(0);
      expect(receiver.badSignatures).toBe(0);
      await eventually(
        async () => {
          const rows = await installation.query<{ status: string; attempts: number }>(
            'SELECT status, attempts FROM deliveries',
          );
          return rows.length === NOTIFICATIONS && rows.every((row) => row.status === 'delivered' && row.attempts === 1);
        },
        { timeoutMs: 10_000, what: 'every delivery recorded delivered' },
      );
      const [{ attempts }] = await installation.query<{ attempts: number }>(
        "SELECT count(*)::int AS attempts FROM delivery_attempts WHERE outcome = 'ok'",
      );
      expect(attempts).toBe(NOTIFICATIONS);
    },
  );

  it.skipIf(skip)('streams an inbox message stored by the worker to an SSE client of the api', async () => {
    expect((await admin.put('/v1/recipients/pgb-user', {})).status).toBe(201);
    const stream = await SseClient.connect(`${installation.baseUrl}/v1/recipients/pgb-user/inbox/stream`, {
      'x-recipient-token': inboxToken(inboxSecret, 'pgb-user'),
    });
    try {
      expect(stream.status).toBe(200);
      const sent = await sendNotification(
        admin,
        anInAppMessage('pgb-user', { title: 'Hi', body: 'through PgBouncer' }),
      );
      expect(sent.status).toBe(202);
      const event = await stream.next((e) => e.event === 'message', 30_000);
      expect(JSON.parse(event.data)).toMatchObject({ recipientId: 'pgb-user', body: 'through PgBouncer' });
    } finally {
      await stream.close();
    }
  });

  it.skipIf(skip)("served Herald's queries through PgBouncer", async () => {
    expect(await pgbouncer.transactions(database)).toBeGreaterThan(NOTIFICATIONS);
  });
});
