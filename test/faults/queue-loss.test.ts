import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/eventually';
import { anEmail } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { SmtpSink } from '../support/smtp-sink';
import { settledNotification, sendNotification } from '../support/notifications';

const redisUrl = inject('redisUrl');

/** PostgreSQL is the source of truth: whatever the queue store loses, the reconciler puts back. */
describe.skipIf(!redisUrl)('nothing accepted is lost when the queue store loses it', () => {
  const smtp = new SmtpSink();
  // The database and the SMTP sink; each test starts the API and the worker it needs.
  const installation = useHerald({ peers: [smtp], app: false });

  const mail = (to: string) => anEmail(to, { subject: 'lost?', text: 'no' });

  it('delivers after Redis is wiped between accept and delivery', async () => {
    const prefix = `herald-wipe-${Date.now()}`;
    const env = { REDIS_URL: redisUrl!, REDIS_PREFIX: prefix, SMTP_URL: smtp.url, RECONCILE_INTERVAL_MS: '200' };
    const api = await installation.start({ apps: ['api'], env });
    const sent = await sendNotification(api.admin, mail('wiped@example.com'));
    expect(sent.status).toBe(202);

    // Redis restarts empty: every key of this installation is gone, the job with it.
    const redis = new Redis(redisUrl!);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    await redis.quit();

    await installation.start({ apps: ['worker'], env: { ...env, ADMIN_API_KEY: api.adminKey } });
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
    const api = await installation.start({
      apps: ['api'],
      env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: prefix },
    });
    const started = Date.now();
    const sent = await sendNotification(api.admin, mail('down@example.com'));
    expect(sent.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sent.body.deliveries[0].status).toBe('queued');

    await installation.start({
      apps: ['worker'],
      env: { REDIS_URL: redisUrl!, REDIS_PREFIX: prefix, SMTP_URL: smtp.url, RECONCILE_INTERVAL_MS: '200' },
    });
    await eventually(() => smtp.messages.find((m) => m.envelope.to.includes('down@example.com')), { what: 'the mail' });
    const body = await settledNotification(api.admin, sent.body.id, 'completed');
    expect(body.deliveries[0].status).toBe('sent');
  });
});
