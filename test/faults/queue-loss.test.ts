import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningHerald, startHerald } from '../support/herald-app';
import { SmtpSink } from '../support/smtp-sink';
import { settledNotification } from '../support/notifications';

const redisUrl = inject('redisUrl');

/** PostgreSQL is the source of truth: whatever the queue store loses, the reconciler puts back. */
describe.skipIf(!redisUrl)('nothing accepted is lost when the queue store loses it', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  const running: RunningHerald[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await new SmtpSink().start();
  });

  afterAll(async () => {
    for (const herald of running) await herald.close();
    await smtp?.stop();
    await db?.drop();
  });

  const mail = (to: string) => ({ content: { email: { subject: 'lost?', text: 'no' } }, to: { email: to } });

  it('delivers after Redis is wiped between accept and delivery', async () => {
    const prefix = `herald-wipe-${Date.now()}`;
    const env = { REDIS_URL: redisUrl!, REDIS_PREFIX: prefix, SMTP_URL: smtp.url, RECONCILE_INTERVAL_MS: '200' };
    const api = await startHerald({ databaseUrl: db.url, apps: ['api'], env });
    running.push(api);
    const sent = await api.admin.post('/v1/notifications', mail('wiped@example.com'));
    expect(sent.status).toBe(202);

    // Redis restarts empty: every key of this installation is gone, the job with it.
    const redis = new Redis(redisUrl!);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    await redis.quit();

    running.push(
      await startHerald({ databaseUrl: db.url, apps: ['worker'], env: { ...env, ADMIN_API_KEY: api.adminKey } }),
    );
    await eventually(() => smtp.messages.find((m) => m.envelope.to.includes('wiped@example.com')), {
      what: 'the mail',
    });
    const done = await settledNotification(api.admin, sent.body.id, 'completed');
    expect(done.deliveries[0]).toMatchObject({ status: 'sent', attempts: [{ outcome: 'ok' }] });
    expect(smtp.messages.filter((m) => m.envelope.to.includes('wiped@example.com'))).toHaveLength(1);
  });

  it('answers 202 when the enqueue fails (Redis unreachable), and the reconciler delivers it', async () => {
    const prefix = `herald-down-${Date.now()}`;
    // Port 1: nothing listens there, so every enqueue of this API fails.
    const api = await startHerald({
      databaseUrl: db.url,
      apps: ['api'],
      env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: prefix },
    });
    running.push(api);
    const started = Date.now();
    const sent = await api.admin.post('/v1/notifications', mail('down@example.com'));
    expect(sent.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sent.body.deliveries[0].status).toBe('queued');

    running.push(
      await startHerald({
        databaseUrl: db.url,
        apps: ['worker'],
        env: { REDIS_URL: redisUrl!, REDIS_PREFIX: prefix, SMTP_URL: smtp.url, RECONCILE_INTERVAL_MS: '200' },
      }),
    );
    await eventually(() => smtp.messages.find((m) => m.envelope.to.includes('down@example.com')), { what: 'the mail' });
    const body = await settledNotification(api.admin, sent.body.id, 'completed');
    expect(body.deliveries[0].status).toBe('sent');
  });
});
