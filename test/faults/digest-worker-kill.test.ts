import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestedSend, DigestView } from '../support/api-types';
import { eventually } from '../support/eventually';
import { aRecipient, aTemplate, aTemplatedNotification } from '../support/factories';
import { testEnv } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';

const WORKER = 'dist/apps/worker/src/main.js';

/**
 * A worker killed with SIGKILL inside a digest's close: its transaction (digest closed + notification stored) dies
 * with it, and the reconciler of the next worker closes the digest, once.
 */
describe.each(queueBackends())('a worker killed closing a digest on the $name queue backend', (backend) => {
  const { skip } = backend;
  const smtp = new SmtpSink();
  const installation = useHerald({ backend, peers: [smtp], app: false });
  let child: ChildProcess | undefined;
  let locker: Client | undefined;

  beforeAll(() => {
    if (!skip && !existsSync(WORKER)) throw new Error(`${WORKER} is missing: npm test builds it first (npm run build)`);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await locker?.end().catch(() => undefined);
  });

  it.skipIf(skip)('delivers the digest exactly once, with every event', async () => {
    const shared = { ...backend.env, SMTP_URL: smtp.url, RECONCILE_INTERVAL_MS: '300' };
    const api = await installation.start({ apps: ['api'], env: shared });
    const env = { ...shared, REDIS_PREFIX: api.config.redis.prefix, ADMIN_API_KEY: api.adminKey };
    await api.admin.put(
      '/v1/admin/templates/kill-digest',
      aTemplate({
        channels: { email: { subject: '{{count}} events', text: '{{#each events}}[{{n}}]{{/each}}' } },
        digest: { window: 1, key: 'all' },
      }),
    );
    await api.admin.put('/v1/recipients/kill-d', aRecipient({ email: 'killd@example.com' }));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        api.admin.post<DigestedSend>('/v1/notifications', aTemplatedNotification('kill-digest', 'kill-d', { n })),
      ),
    );
    const ids = new Set(answers.map((answer) => answer.body.digestId));
    expect(ids.size).toBe(1);
    const [digestId] = ids;

    // The close's insert of deliveries waits on this lock, inside its transaction: the worker is mid-close.
    locker = new Client({ connectionString: installation.db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE deliveries IN SHARE MODE');
    child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...testEnv(installation.db.url, env) },
      stdio: 'ignore',
    });
    const blocked = await eventually(
      async () => {
        const { rows } = await installation.pg.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO deliveries%'`,
        );
        return rows.length > 0 && rows;
      },
      { what: 'the child worker to be inside the close', timeoutMs: 30_000 },
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    // Its server process would notice the dead client only once the lock frees; end it now, as PostgreSQL will.
    for (const { pid } of blocked) await installation.pg.query('SELECT pg_terminate_backend($1)', [pid]);
    await locker.query('ROLLBACK');
    const left = await api.admin.get<DigestView>(`/v1/digests/${digestId}`);
    expect(left.body).toMatchObject({ status: 'open', notificationId: null, count: 50 });

    await installation.start({ apps: ['worker'], env });
    const closed = await eventually(
      async () => {
        const digest = (await api.admin.get<DigestView>(`/v1/digests/${digestId}`)).body;
        return digest.status === 'closed' && digest;
      },
      { what: 'the reconciler to close the digest', timeoutMs: 30_000 },
    );
    await settledNotification(api.admin, closed.notificationId!, 'completed', 30_000);
    const { rows } = await installation.pg.query(
      `SELECT count(*)::int AS n FROM notifications WHERE template_key = $1`,
      ['kill-digest'],
    );
    expect(rows).toEqual([{ n: 1 }]);
    const mails = smtp.messages.filter((mail) => mail.envelope.to.includes('killd@example.com'));
    expect(mails).toHaveLength(1);
    expect(mails[0].parsed.subject).toBe('50 events');
    expect([...(mails[0].parsed.text ?? '').matchAll(/\[(\d+)\]/g)]).toHaveLength(50);
  });
});
