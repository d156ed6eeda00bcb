import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { anEmail } from '../support/factories';
import { testEnv } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { SmtpSink } from '../support/smtp-sink';
import { readNotification, settledNotification, sendNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';

const WORKER = 'dist/apps/worker/src/main.js';

const backends = queueBackends();

/** A worker killed with SIGKILL in the middle of an SMTP conversation: another worker finishes the delivery, once. */
describe.each(backends)('a worker killed mid-send on the $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  // The database and the SMTP sink; the test starts the API, a worker process and a worker in this process.
  const installation = useHerald({ backend, peers: [smtp], app: false });
  let child: ChildProcess | undefined;

  beforeAll(() => {
    if (!skip && !existsSync(WORKER)) throw new Error(`${WORKER} is missing: npm test builds it first (npm run build)`);
  });
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it.skipIf(skip)('is taken over after the lease, with the lost attempt recorded', async () => {
    const shared = {
      ...backend.env,
      SMTP_URL: smtp.url,
      DELIVERY_SENDING_LEASE_MS: '1500',
      RECONCILE_INTERVAL_MS: '300',
    };
    const api = await installation.start({ apps: ['api'], env: shared });

    smtp.stall = true;
    child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...testEnv(installation.db.url, { ...shared, REDIS_PREFIX: api.config.redis.prefix }) },
      stdio: 'ignore',
    });
    const sent = await sendNotification(
      api.admin,
      anEmail('crash@example.com', { subject: 'survive', text: 'a worker crash' }),
    );
    expect(sent.status).toBe(202);

    // The child worker is now inside the SMTP DATA exchange that never gets an answer.
    await eventually(() => smtp.stalled > 0, { what: 'the child worker to be mid-send', timeoutMs: 20_000 });
    const mid = await readNotification(api.admin, sent.body.id);
    expect(mid.deliveries[0].status).toBe('sending');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    smtp.stall = false;
    await installation.start({
      apps: ['worker'],
      env: { ...shared, REDIS_PREFIX: api.config.redis.prefix, ADMIN_API_KEY: api.adminKey },
    });
    const done = await settledNotification(api.admin, sent.body.id, 'completed', 20_000);
    expect(done.deliveries[0].attempts).toMatchObject([
      { attempt: 1, outcome: 'transient_error', error: 'worker stopped during the attempt' },
      { attempt: 2, outcome: 'ok' },
    ]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('crash@example.com'))).toHaveLength(1);
  });
});

/** The same death with a second worker alive all along: no restart, the end of the lease alone hands it over. */
describe.each(backends)('a worker killed mid-send beside a live one on the $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  const installation = useHerald({ backend, peers: [smtp], app: false });
  let child: ChildProcess | undefined;

  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it.skipIf(skip)('is taken over by the live worker once its lease ends', async () => {
    const shared = {
      ...backend.env,
      SMTP_URL: smtp.url,
      DELIVERY_SENDING_LEASE_MS: '2000',
      RECONCILE_INTERVAL_MS: '300',
    };
    const api = await installation.start({ apps: ['api'], env: shared });
    const env = { ...shared, REDIS_PREFIX: api.config.redis.prefix, ADMIN_API_KEY: api.adminKey };

    smtp.stall = true;
    child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...testEnv(installation.db.url, env) },
      stdio: 'ignore',
    });
    const sent = await sendNotification(
      api.admin,
      anEmail('lease@example.com', { subject: 'lease', text: 'taken over' }),
    );
    expect(sent.status).toBe(202);
    await eventually(() => smtp.stalled > 0, { what: 'the child worker to be mid-send', timeoutMs: 20_000 });

    // The survivor starts before the death (the child already holds the only job).
    await installation.start({ apps: ['worker'], env });
    smtp.stall = false;
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    // The contract's bound: recorded within 60 s of the death (here the lease is 2 s).
    const done = await settledNotification(api.admin, sent.body.id, 'completed', 60_000);
    expect(done.deliveries[0].attempts).toMatchObject([
      { attempt: 1, outcome: 'transient_error', error: 'worker stopped during the attempt' },
      { attempt: 2, outcome: 'ok' },
    ]);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('lease@example.com'))).toHaveLength(1);
  });
});

/** A live send slower than twice the lease keeps its lease: another worker never repeats it. */
describe.each(backends)('a slow live send on the $name queue backend', (backend) => {
  const smtp = new SmtpSink();
  const installation = useHerald({ backend, peers: [smtp], app: false });

  it.skipIf(backend.skip)('is sent once, its lease renewed while the SMTP server takes its time', async () => {
    const env = {
      ...backend.env,
      SMTP_URL: smtp.url,
      DELIVERY_SENDING_LEASE_MS: '3000',
      RECONCILE_INTERVAL_MS: '300',
    };
    const api = await installation.start({ apps: ['api', 'worker'], env });
    // A second worker that would take the delivery over, were its lease to end.
    await installation.start({
      apps: ['worker'],
      env: { ...env, REDIS_PREFIX: api.config.redis.prefix, ADMIN_API_KEY: api.adminKey },
    });
    smtp.delayMs = 7_000;

    const sent = await sendNotification(api.admin, anEmail('slow@example.com', { subject: 'slow', text: 'patience' }));
    expect(sent.status).toBe(202);
    const done = await settledNotification(api.admin, sent.body.id, 'completed', 60_000);
    expect(done.deliveries[0].attempts).toMatchObject([{ attempt: 1, outcome: 'ok' }]);
    expect(done.deliveries[0].attempts).toHaveLength(1);
    expect(smtp.messages.filter((m) => m.envelope.to.includes('slow@example.com'))).toHaveLength(1);
  });
});
