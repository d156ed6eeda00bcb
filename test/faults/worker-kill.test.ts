import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningHerald, startHerald, testEnv } from '../support/herald-app';
import { SmtpSink } from '../support/smtp-sink';
import { settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';

const WORKER = 'dist/apps/worker/src/main.js';

const backends = queueBackends();

/** A worker killed with SIGKILL in the middle of an SMTP conversation: another worker finishes the delivery, once. */
describe.each(backends)('a worker killed mid-send on the $name queue backend', ({ env, skip }) => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let api: RunningHerald;
  let child: ChildProcess | undefined;
  const running: RunningHerald[] = [];

  beforeAll(async () => {
    if (skip) return;
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: npm test builds it first (npm run build)`);
    db = await createTestDatabase();
    smtp = await new SmtpSink().start();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    for (const herald of running) await herald.close();
    await smtp?.stop();
    await db?.drop();
  });

  it.skipIf(skip)('is taken over after the lease, with the lost attempt recorded', async () => {
    const shared = { ...env, SMTP_URL: smtp.url, DELIVERY_SENDING_LEASE_MS: '1500', RECONCILE_INTERVAL_MS: '300' };
    api = await startHerald({ databaseUrl: db.url, apps: ['api'], env: shared });
    running.push(api);

    smtp.stall = true;
    child = spawn(process.execPath, [WORKER], {
      env: {
        ...process.env,
        ...testEnv(db.url, { ...shared, REDIS_PREFIX: api.config.redis.prefix }),
      } as NodeJS.ProcessEnv,
      stdio: 'ignore',
    });
    const sent = await api.admin.post('/v1/notifications', {
      content: { email: { subject: 'survive', text: 'a worker crash' } },
      to: { email: 'crash@example.com' },
    });
    expect(sent.status).toBe(202);

    // The child worker is now inside the SMTP DATA exchange that never gets an answer.
    await eventually(() => smtp.stalled > 0, { what: 'the child worker to be mid-send', timeoutMs: 20_000 });
    const mid = await api.admin.get(`/v1/notifications/${sent.body.id}`);
    expect(mid.body.deliveries[0].status).toBe('sending');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    smtp.stall = false;
    running.push(
      await startHerald({
        databaseUrl: db.url,
        apps: ['worker'],
        env: { ...shared, REDIS_PREFIX: api.config.redis.prefix, ADMIN_API_KEY: api.adminKey },
      }),
    );
    const done = await settledNotification(api.admin, sent.body.id, 'completed', 20_000);
    expect(done.deliveries[0].attempts).toMatchObject([
      { attempt: 1, outcome: 'transient_error', error: 'worker stopped during the attempt' },
      { attempt: 2, outcome: 'ok' },
    ]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('crash@example.com'))).toHaveLength(1);
  });
});
