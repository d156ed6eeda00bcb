import { randomBytes, randomUUID } from 'node:crypto';
import type { Problem } from '@herald/core';
import { inboxToken } from '@herald/recipients';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient, ApiResponse } from '../support/api-client';
import type { BatchResponse, CreatedApiKey } from '../support/api-types';
import { eventually } from '../support/eventually';
import { Family, scrape, scrapeWithQueues, value } from '../support/prometheus';
import { aNotification, anApiKey, aWebhook } from '../support/factories';
import type { RunningHerald } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { is } from '../support/matchers';
import { sendNotification, settledNotification } from '../support/notifications';
import { queueBackends } from '../support/queue-backends';
import { countRows } from '../support/sql';
import { TcpProxy } from '../support/tcp-proxy';
import { WebhookReceiver } from '../support/webhook-receiver';

// ---- Metrics ----

describe('GET /metrics (monolith, capture mode)', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new WebhookReceiver(secret);
  const herald = useHerald({ peers: [receiver], env: { WEBHOOK_SECRET: secret } });

  const email = aNotification({
    content: { email: { subject: 'Hi', text: 'Hello' } },
    to: { email: 'ada@example.com' },
  });

  it('serves parseable Prometheus text without an API key: process, HTTP, notification, delivery and queue families', async () => {
    const families = await scrapeWithQueues(herald.baseUrl);
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('process_resident_memory_bytes')?.type).toBe('gauge');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(families.get('herald_http_request_duration_seconds')?.type).toBe('histogram');
    expect(families.get('herald_notifications_accepted_total')?.type).toBe('counter');
    expect(families.get('herald_deliveries_accepted_total')?.type).toBe('counter');
    expect(families.get('herald_deliveries_total')?.type).toBe('counter');
    expect(families.get('herald_delivery_attempts_total')?.type).toBe('counter');
    expect(families.get('herald_delivery_latency_seconds')?.type).toBe('histogram');
    expect(families.get('herald_provider_call_duration_seconds')?.type).toBe('histogram');
    expect(families.get('herald_queue_jobs')?.type).toBe('gauge');
    expect(value(families, 'herald_queue_up')).toBe(1);
    // Every channel and state is there, read from the queue store on this scrape.
    const queueSeries = families.get('herald_queue_jobs')!.samples.map((s) => `${s.labels.channel}/${s.labels.state}`);
    for (const channel of ['email', 'sms', 'push', 'webhook', 'in_app']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed'])
        expect(queueSeries).toContain(`${channel}/${state}`);
    }
    // Outcomes and transports start at 0, so rate() works before the first event.
    expect(families.get('herald_deliveries_total')!.samples).toContainEqual({
      name: 'herald_deliveries_total',
      labels: { channel: 'sms', status: 'failed' },
      value: 0,
    });
    expect(families.get('herald_delivery_attempts_total')!.samples).toContainEqual({
      name: 'herald_delivery_attempts_total',
      labels: { channel: 'push', outcome: 'permanent_error' },
      value: 0,
    });
    for (const transport of ['http', 'tcp', 'redis', 'rmq'])
      expect(value(families, 'herald_notifications_accepted_total', { transport })).toBe(0);
    expect(families.get('herald_notifications_accepted_total')!.help).not.toBe('');
  });

  it('counts an accepted notification, its delivery sent by the worker, and the requests by route pattern', async () => {
    const before = await scrape(herald.baseUrl);
    const sent = await sendNotification(herald.admin, email);
    expect(sent.status).toBe(202);
    const done = await settledNotification(herald.admin, sent.body.id, 'completed');
    expect(done.deliveries[0]).toMatchObject({ channel: 'email', status: 'sent', captured: true });
    expect((await herald.admin.withKey('hk_unknown').get(`/v1/notifications/${sent.body.id}`)).status).toBe(401);
    expect((await herald.admin.get('/no/such/route')).status).toBe(404);

    const after = await scrape(herald.baseUrl);
    const delta = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(delta('herald_notifications_accepted_total', { transport: 'http' })).toBe(1);
    expect(delta('herald_deliveries_accepted_total', { channel: 'email', status: 'queued' })).toBe(1);
    expect(delta('herald_deliveries_total', { channel: 'email', status: 'sent' })).toBe(1);
    expect(delta('herald_deliveries_total', { channel: 'email', status: 'failed' })).toBe(0);
    expect(delta('herald_delivery_attempts_total', { channel: 'email', outcome: 'ok' })).toBe(1);
    expect(delta('herald_delivery_latency_seconds_count', { channel: 'email' })).toBe(1);
    expect(delta('herald_provider_call_duration_seconds_count', { channel: 'email', outcome: 'ok' })).toBe(1);

    const count = (labels: Record<string, string>) => delta('herald_http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: '/v1/notifications', status: '202' })).toBe(1);
    // Polled until completed, then once more with a bad key (the guard's 401 is timed too): one series for every id.
    expect(count({ method: 'GET', route: '/v1/notifications/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'GET', route: '/v1/notifications/:id', status: '401' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(
      value(after, 'herald_http_request_duration_seconds_bucket', {
        method: 'POST',
        route: '/v1/notifications',
        le: '+Inf',
      }),
    ).toBe(
      value(after, 'herald_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/notifications',
        status: '202',
      }),
    );
    const routes = after.get('herald_http_request_duration_seconds')!.samples.map((s) => s.labels.route);
    expect(routes.some((route) => route.includes(sent.body.id))).toBe(false);
    expect(routes).toContain('/metrics');
  });

  it('does not count an idempotent replay again', async () => {
    const before = await scrape(herald.baseUrl);
    const headers = { 'idempotency-key': `metrics-${randomUUID()}` };
    const first = await sendNotification(herald.admin, email, headers);
    const replay = await sendNotification(herald.admin, email, headers);
    expect([first.status, replay.status]).toEqual([202, 202]);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const after = await scrape(herald.baseUrl);
    expect(
      value(after, 'herald_notifications_accepted_total') - value(before, 'herald_notifications_accepted_total'),
    ).toBe(1);
  });

  it('counts each accepted item of a batch, not the refused ones', async () => {
    const before = await scrape(herald.baseUrl);
    const batch = await herald.admin.post<BatchResponse>('/v1/notifications/batch', {
      notifications: [email, email, { to: {} }],
    });
    expect(batch.status).toBe(202);
    expect(batch.body.items.filter((item) => item.id)).toHaveLength(2);
    const after = await scrape(herald.baseUrl);
    const delta = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(delta('herald_notifications_accepted_total', { transport: 'http' })).toBe(2);
    expect(delta('herald_deliveries_accepted_total', { channel: 'email', status: 'queued' })).toBe(2);
  });

  it('counts retried, delivered and failed attempts by channel', async () => {
    receiver.script('/flaky', { status: 503 });
    receiver.script('/gone', { status: 410 });
    const before = await scrape(herald.baseUrl);
    const flaky = await sendNotification(herald.admin, aWebhook(receiver.url('/flaky'), { n: 1 }));
    const gone = await sendNotification(herald.admin, aWebhook(receiver.url('/gone'), { n: 2 }));
    await settledNotification(herald.admin, flaky.body.id, 'completed');
    await settledNotification(herald.admin, gone.body.id, 'failed');
    expect(receiver.to('/flaky')).toHaveLength(2);

    // Recorded just after the row commits, so a scrape right after the settled read may be a moment early.
    const outcomes = await eventually(
      async () => {
        const after = await scrape(herald.baseUrl);
        const delta = (name: string, labels: Record<string, string>) =>
          value(after, name, { channel: 'webhook', ...labels }) -
          value(before, name, { channel: 'webhook', ...labels });
        const seen = {
          delivered: delta('herald_deliveries_total', { status: 'delivered' }),
          failed: delta('herald_deliveries_total', { status: 'failed' }),
          sent: delta('herald_deliveries_total', { status: 'sent' }),
          ok: delta('herald_delivery_attempts_total', { outcome: 'ok' }),
          transient: delta('herald_delivery_attempts_total', { outcome: 'transient_error' }),
          permanent: delta('herald_delivery_attempts_total', { outcome: 'permanent_error' }),
          latencies: delta('herald_delivery_latency_seconds_count', {}),
          calls: delta('herald_provider_call_duration_seconds_count', { outcome: 'error' }),
        };
        return seen.delivered + seen.failed === 2 && seen;
      },
      { what: 'both webhook deliveries to be counted' },
    );
    // The flaky one: a 503 then a 2xx; the gone one: a 410. Only the delivered one has a latency.
    expect(outcomes).toEqual({
      delivered: 1,
      failed: 1,
      sent: 0,
      ok: 1,
      transient: 1,
      permanent: 1,
      latencies: 1,
      calls: 2,
    });
  });

  it('reads queue depth on scrape: a scheduled send is a delayed job until it is due', async () => {
    const delayed = (families: Map<string, Family>) =>
      value(families, 'herald_queue_jobs', { channel: 'email', state: 'delayed' });
    const before = delayed(await scrape(herald.baseUrl));
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await sendNotification(herald.admin, { ...email, sendAt });
    expect(scheduled.status).toBe(202);
    expect(delayed(await scrape(herald.baseUrl))).toBe(before + 1);
  });
});

// ---- Rate limits ----

/** Asserts a 429 problem with its headers, and answers the problem. */
function expectLimited(response: ApiResponse, limit: number): Problem {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status: 429,
    type: is.stringMatching(/\/rate-limited$/),
    title: is.any(String),
  });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  // A sliding minute: at most the rest of this window plus a share of the next.
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(120);
  expect(response.headers.get('ratelimit-limit')).toBe(String(limit));
  expect(response.headers.get('ratelimit-remaining')).toBe('0');
  expect(response.headers.get('ratelimit-policy')).toBe(`${limit};w=60`);
  return response.body as Problem;
}

describe.each(queueBackends())('rate limit per API key, counters on $name', (backend) => {
  const { name, skip } = backend;
  const LIMIT = 5;
  const INBOX_SECRET = `inbox-secret-${randomBytes(8).toString('hex')}`;
  const installation = useHerald({ backend, app: false });
  // Two API instances of one installation: same database, same Redis prefix.
  const REDIS_PREFIX = `herald-rl-${randomBytes(4).toString('hex')}`;
  let one: RunningHerald;
  let two: RunningHerald;
  const keys: Record<'a' | 'b' | 'c' | 'reader', string> = { a: '', b: '', c: '', reader: '' };

  beforeAll(async () => {
    if (skip) return;
    const env = { RATE_LIMIT_PER_MINUTE: String(LIMIT), REDIS_PREFIX, INBOX_SECRET };
    one = await installation.start({ apps: ['api'], env });
    two = await installation.start({ apps: ['api'], env });
    for (const key of ['a', 'b', 'c'] as const) {
      const created = await one.admin.post<CreatedApiKey>('/v1/admin/api-keys', anApiKey(['send'], `rate-${key}`));
      expect(created.status).toBe(201);
      keys[key] = created.body.key;
    }
    const reader = await one.admin.post<CreatedApiKey>('/v1/admin/api-keys', anApiKey(['read'], 'rate-reader'));
    expect(reader.status).toBe(201);
    keys.reader = reader.body.key;
  });

  const missing = () => `/v1/notifications/${randomUUID()}`;

  it.skipIf(skip)(
    'answers the 6th request of a key with 429 and Retry-After, while another key still passes',
    async () => {
      const a = one.admin.withKey(keys.a);
      for (let i = 1; i <= LIMIT; i++) {
        const response = await a.get(missing());
        expect(response.status).toBe(404);
        expect(response.headers.get('ratelimit-limit')).toBe(String(LIMIT));
        expect(response.headers.get('ratelimit-remaining')).toBe(String(LIMIT - i));
      }
      expectLimited(await a.get(missing()), LIMIT);

      // Refused before the handler: nothing is stored.
      const before = await countRows(installation.pg, 'notifications');
      const refused = await a.post('/v1/notifications', aNotification({ to: { email: 'x@example.com' } }));
      expectLimited(refused, LIMIT);
      expect(await countRows(installation.pg, 'notifications')).toBe(before);

      const b = one.admin.withKey(keys.b);
      const other = await b.get(missing());
      expect(other.status).toBe(404);
      expect(other.headers.get('ratelimit-remaining')).toBe(String(LIMIT - 1));
    },
  );

  it.skipIf(skip)('shares the count across API instances', async () => {
    const onOne = one.admin.withKey(keys.c);
    const onTwo = two.admin.withKey(keys.c);
    for (const client of [onOne, onTwo, onOne, onTwo, onOne]) expect((await client.get(missing())).status).toBe(404);
    expectLimited(await onTwo.get(missing()), LIMIT);
    expectLimited(await onOne.get(missing()), LIMIT);
  });

  it.skipIf(skip)('limits inbox routes called with an API key on the same budget as its other requests', async () => {
    const reader = one.admin.withKey(keys.reader);
    const inbox = `/v1/recipients/rate-${randomUUID()}/inbox`;
    const remaining: (string | null)[] = [];
    for (const [path, status] of [
      [inbox, 200],
      [missing(), 404],
      [inbox, 200],
      [missing(), 404],
      [`${inbox}/read-all`, 200],
    ] as const) {
      const response = path.endsWith('/read-all') ? await reader.post(path) : await reader.get(path);
      expect(response.status, path).toBe(status);
      remaining.push(response.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    expectLimited(await reader.get(inbox), LIMIT);
    expectLimited(await reader.get(`${inbox}/stream`), LIMIT);
    expectLimited(await reader.get(missing()), LIMIT);
  });

  it.skipIf(skip)('limits recipient-token inbox calls per recipient, apart from any API key', async () => {
    const anonymous = new ApiClient(two.baseUrl);
    const [ada, bob] = [`rate-${randomUUID()}`, `rate-${randomUUID()}`];
    const asRecipient = (id: string) =>
      anonymous.get(`/v1/recipients/${id}/inbox`, { 'x-recipient-token': inboxToken(INBOX_SECRET, id) });
    for (let i = 1; i <= LIMIT; i++) {
      const response = await asRecipient(ada);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-remaining')).toBe(String(LIMIT - i));
    }
    expect(expectLimited(await asRecipient(ada), LIMIT).detail).toMatch(/recipient/);
    expect((await asRecipient(bob)).headers.get('ratelimit-remaining')).toBe(String(LIMIT - 1));
  });

  it.skipIf(skip)('does not limit health, metrics or docs, nor requests that fail authentication', async () => {
    const anonymous = new ApiClient(one.baseUrl);
    for (let i = 0; i < LIMIT + 2; i++) {
      expect((await anonymous.get('/health/live')).status).toBe(200);
      expect((await anonymous.get('/metrics')).status).toBe(200);
      expect((await anonymous.get('/docs-json')).status).toBe(200);
      expect((await anonymous.withKey('hk_wrong').get(missing())).status).toBe(401);
    }
  });

  // Was PostgreSQL-only (and so skipped on Redis): it now also says where the Redis counters are.
  it.skipIf(skip)(
    name === 'PostgreSQL'
      ? 'keeps the PostgreSQL counters in the unlogged rate_limits table'
      : 'keeps the counters in Redis under the prefix, none in the rate_limits table',
    async () => {
      const { rows } = await installation.pg.query<{ relpersistence: string; rows: number }>(
        `SELECT c.relpersistence, (SELECT count(*)::int FROM rate_limits) AS rows FROM pg_class c WHERE c.relname = 'rate_limits'`,
      );
      expect(rows[0]).toEqual({ relpersistence: 'u', rows: is.any(Number) });
      if (name === 'PostgreSQL') {
        expect(rows[0].rows).toBeGreaterThan(0);
        return;
      }
      expect(rows[0].rows).toBe(0);
      const redis = new Redis(String(backend.env.REDIS_URL));
      try {
        expect(await redis.keys(`${REDIS_PREFIX}:ratelimit:*`)).not.toEqual([]);
      } finally {
        await redis.quit();
      }
    },
  );
});

describe.skipIf(!inject('redisUrl'))('while Redis is unreachable', () => {
  const redis = new URL(inject('redisUrl') ?? 'redis://127.0.0.1:6379');
  const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
  const herald = useHerald({
    apps: ['api'],
    peers: [proxy],
    env: () => {
      const viaProxy = new URL(redis);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      return { REDIS_URL: viaProxy.toString(), RATE_LIMIT_PER_MINUTE: '2' };
    },
  });
  // Runs before the harness closes Herald (after-hooks run last registered first).
  afterAll(() => proxy.restore());

  it('lets requests through unlimited and answers /metrics without queue counts, then limits again once it is back', async () => {
    const api = herald.admin;
    for (const remaining of ['1', '0'])
      expect((await api.get('/v1/admin/api-keys')).headers.get('ratelimit-remaining')).toBe(remaining);
    expect(value(await scrapeWithQueues(herald.baseUrl), 'herald_queue_up')).toBe(1);

    proxy.sever();
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      const response = await api.get('/v1/admin/api-keys');
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBeNull();
    }
    // Failing open does not wait for Redis on every request.
    expect(Date.now() - started).toBeLessThan(2_000);
    const families = await scrape(herald.baseUrl);
    expect(value(families, 'herald_queue_up')).toBe(0);
    expect(families.get('herald_queue_jobs')?.samples ?? []).toEqual([]);

    proxy.restore();
    // The two counted before the outage still count.
    const refused = await eventually(
      async () => {
        const response = await api.get('/v1/admin/api-keys');
        return response.status === 429 && response;
      },
      { what: 'the limit to apply again' },
    );
    expectLimited(refused, 2);
  });
});

describe('RATE_LIMIT_PER_MINUTE=0', () => {
  const herald = useHerald({ apps: ['api'], env: { RATE_LIMIT_PER_MINUTE: '0' } });

  it('turns the limit off: no RateLimit headers, no counters', async () => {
    const response = await herald.admin.get('/v1/admin/api-keys');
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-limit')).toBeNull();
  });
});
