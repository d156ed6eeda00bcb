import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { Installation } from '../support/installation';
import { queueBackends } from '../support/queue-backends';

const SUBSCRIBERS = Number(process.env.SCALE_BROADCAST_SUBSCRIBERS ?? 100_000);
const BATCH = 1000;

/**
 * A broadcast's fan-out against batch accept (README "Orchestration"): one api process, the same stored recipients
 * (email, captured: no SMTP server), the same template, every delivery scheduled a day ahead so that no delivery
 * runs during either measurement and both store and enqueue alike. Batch accept is `SUBSCRIBERS` items in batches
 * of 1000, two requests in flight, timed to the last 202; the fan-out is one send to a topic of them all, made by
 * one worker process started after the batch, timed to its broadcast's `completed`. Printed, and the fan-out
 * asserted no slower than batch accept within the noise of a shared machine.
 */
describe.each(queueBackends())('fan-out rate against batch accept, queues on $name', (backend) => {
  let db: TestDatabase;
  let installation: Installation;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(installation.baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${installation.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    if (backend.skip) return;
    db = await createTestDatabase();
    installation = new Installation({ databaseUrl: db.url, apis: 1, workers: 0, env: backend.env });
    await installation.start();
    await installation.query(
      `INSERT INTO recipients (id, email)
       SELECT 'r' || lpad(n::text, 6, '0'), 'r' || n || '@example.com' FROM generate_series(1, $1) AS n`,
      [SUBSCRIBERS],
    );
    expect(
      (
        await call('PUT', '/v1/admin/templates/release', {
          name: 'Release',
          channels: { email: { subject: 'Release {{version}}', text: 'Version {{version}} is out' } },
        })
      ).status,
    ).toBe(201);
    expect((await call('PUT', '/v1/topics/everyone', { name: 'Everyone' })).status).toBe(201);
    await installation.query(
      `INSERT INTO topic_subscribers (topic_key, recipient_id) SELECT 'everyone', id FROM recipients`,
    );
  });

  afterAll(async () => {
    await installation?.stop();
    await db?.drop();
  });

  it.skipIf(backend.skip)(
    `${SUBSCRIBERS} notifications`,
    async () => {
      const ids = Array.from({ length: SUBSCRIBERS }, (_, n) => `r${String(n + 1).padStart(6, '0')}`);
      const batches = Array.from({ length: SUBSCRIBERS / BATCH }, (_, b) => ids.slice(b * BATCH, (b + 1) * BATCH));
      const sendAt = new Date(Date.now() + 86_400_000).toISOString();
      const acceptStart = performance.now();
      const lanes = Array.from({ length: 2 }, async (_, lane) => {
        for (let b = lane; b < batches.length; b += 2) {
          const notifications = batches[b].map((recipientId) => ({
            template: 'release',
            to: { recipientId },
            data: { version: '1.0' },
            sendAt,
          }));
          expect((await call('POST', '/v1/notifications/batch', { notifications })).status).toBe(202);
        }
      });
      await Promise.all(lanes);
      const acceptSeconds = (performance.now() - acceptStart) / 1000;
      await installation.addWorker();

      const fanOutStart = performance.now();
      const sent = await call('POST', '/v1/notifications', {
        template: 'release',
        to: { topic: 'everyone' },
        data: { version: '2.0' },
        sendAt,
      });
      expect(sent.status).toBe(202);
      await eventually(
        async () => (await call('GET', `/v1/broadcasts/${String(sent.body.broadcastId)}`)).body.status === 'completed',
        { timeoutMs: 600_000, intervalMs: 100, what: 'the fan-out to complete' },
      );
      const fanOutSeconds = (performance.now() - fanOutStart) / 1000;
      const [row] = await installation.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notifications WHERE broadcast_id = $1`,
        [sent.body.broadcastId],
      );
      expect(row.n).toBe(SUBSCRIBERS);
      const acceptRate = SUBSCRIBERS / acceptSeconds;
      const fanOutRate = SUBSCRIBERS / fanOutSeconds;
      console.log(
        `fan-out (${backend.name}): batch accept ${acceptRate.toFixed(0)}/s (${acceptSeconds.toFixed(1)} s), ` +
          `fan-out ${fanOutRate.toFixed(0)}/s (${fanOutSeconds.toFixed(1)} s), ratio ${(fanOutRate / acceptRate).toFixed(2)}`,
      );
      expect(fanOutRate).toBeGreaterThan(acceptRate * 0.8);
    },
    900_000,
  );
});
