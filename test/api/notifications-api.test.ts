import { canonicalHash } from '@herald/core';
import { describe, expect, it } from 'vitest';
import { ApiClient, clientWithScopes, expectProblem } from '../support/api-client';
import type {
  AcceptedNotification,
  ApiKeyView,
  CreatedApiKey,
  NotificationView,
  OpenApiDocument,
  Page,
  Readiness,
  ValidationProblem,
} from '../support/api-types';
import { anEmail, aTemplate } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { is } from '../support/matchers';
import { countRows } from '../support/sql';

const herald = useHerald({ apps: ['api'] });

const email = anEmail('a@example.com', { subject: 'Hi {{name}}', text: 'Hello {{name}}' }, { data: { name: 'Ada' } });

const count = (table: string) => countRows(herald.pg, table);

describe('authentication', () => {
  it('answers 401 without a key and with an unknown key', async () => {
    const anonymous = herald.admin.withKey(undefined);
    const none = await anonymous.post('/v1/notifications', email);
    expectProblem(none, 401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expectProblem(await anonymous.withKey('hk_not-a-key').post('/v1/notifications', email), 401);
  });

  it('answers 403 to a key without the scope, and accepts one with it', async () => {
    const created = await herald.admin.post<CreatedApiKey>('/v1/admin/api-keys', { name: 'reader', scopes: ['read'] });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^hk_/);
    const reader = herald.admin.withKey(created.body.key);
    expectProblem(await reader.post('/v1/notifications', email), 403);
    expectProblem(await reader.get('/v1/admin/templates'), 403);

    const sender = await clientWithScopes(herald.admin, 'send');
    expect((await sender.post('/v1/notifications', email)).status).toBe(202);
  });

  it('stores keys hashed and stops accepting a revoked key', async () => {
    const created = await herald.admin.post<CreatedApiKey>('/v1/admin/api-keys', { name: 'temp', scopes: ['send'] });
    const { rows } = await herald.pg.query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [
      created.body.id,
    ]);
    expect(rows[0].key_hash).not.toContain(created.body.key);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    const listed = await herald.admin.get<Page<ApiKeyView>>('/v1/admin/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await herald.admin.delete(`/v1/admin/api-keys/${created.body.id}`)).status).toBe(204);
    expectProblem(await herald.admin.withKey(created.body.key).post('/v1/notifications', email), 401);
  });
});

describe('bad input', () => {
  it('lists every bad field by path, unknown fields included, and writes nothing', async () => {
    const before = [await count('notifications'), await count('deliveries')];
    const response = await herald.admin.post('/v1/notifications', {
      content: { email: { subject: 42 } },
      to: { email: 'not-an-email', phone: '12345', webhookUrl: 'ftp://x' },
      channels: ['email', 'fax'],
      priority: 'urgent',
      sendAt: 'tomorrow',
      surprise: true,
    });
    expectProblem<ValidationProblem>(response, 422);
    const paths = response.body.errors.map((e) => e.path);
    expect(paths).toEqual(
      is.arrayContaining([
        'content.email.subject',
        'to.email',
        'to.phone',
        'to.webhookUrl',
        'channels',
        'priority',
        'sendAt',
        'surprise',
      ]),
    );
    expect([await count('notifications'), await count('deliveries')]).toEqual(before);
  });

  it('refuses an unknown template, a missing recipient and both template and content with 422', async () => {
    const unknown = await herald.admin.post('/v1/notifications', { template: 'nope', to: { email: 'a@example.com' } });
    expectProblem(unknown, 422);
    expect(unknown.body.errors).toEqual([{ path: 'template', message: 'template "nope" does not exist' }]);

    const noRecipient = await herald.admin.post('/v1/notifications', { ...email, to: { recipientId: 'ghost' } });
    expectProblem<ValidationProblem>(noRecipient, 422);
    expect(noRecipient.body.errors[0].path).toBe('to.recipientId');

    const both = await herald.admin.post('/v1/notifications', { ...email, template: 'x' });
    expectProblem(both, 422);
    expectProblem(await herald.admin.post('/v1/notifications', { ...email, to: {} }), 422);
    expectProblem(await herald.admin.post('/v1/notifications', { ...email, channels: ['sms'] }), 422);
  });

  it('refuses data that fails the schema or does not render', async () => {
    await herald.admin.put(
      '/v1/admin/templates/welcome',
      aTemplate({
        name: 'Welcome',
        channels: { email: { subject: 'Welcome {{name}}', text: 'Your code is {{code}}' } },
        schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      }),
    );
    const before = await count('notifications');
    const schema = await herald.admin.post('/v1/notifications', {
      template: 'welcome',
      to: { email: 'a@example.com' },
      data: { name: 7 },
    });
    expectProblem(schema, 422);
    expect(schema.body.errors).toEqual([{ path: 'data.name', message: 'must be string' }]);

    const missing = await herald.admin.post('/v1/notifications', {
      template: 'welcome',
      to: { email: 'a@example.com' },
      data: {},
    });
    expectProblem<ValidationProblem>(missing, 422);
    expect(missing.body.errors[0].path).toBe('data.name');

    const unrendered = await herald.admin.post('/v1/notifications', {
      template: 'welcome',
      to: { email: 'a@example.com' },
      data: { name: 'Ada' },
    });
    expectProblem<ValidationProblem>(unrendered, 422);
    expect(unrendered.body.errors[0]).toMatchObject({
      path: 'content.email.text',
      message: is.stringMatching(/"code" not defined/),
    });
    expect(await count('notifications')).toBe(before);
  });

  it('answers malformed JSON with 400 and bodies over 1 MiB with 413, as problem documents', async () => {
    expectProblem(await herald.admin.post('/v1/notifications', '{"to":'), 400);
    const big = { ...email, data: { blob: 'x'.repeat(1024 * 1024 + 10) } };
    expectProblem(await herald.admin.post('/v1/notifications', big), 413);
  });

  it('answers 404 for an unknown or malformed notification id', async () => {
    expectProblem(await herald.admin.get('/v1/notifications/01900000-0000-7000-8000-000000000000'), 404);
    expectProblem(await herald.admin.get('/v1/notifications/not-a-uuid'), 404);
  });
});

describe('accepting', () => {
  it('commits the notification and one delivery per channel before answering, skipping channels without an address', async () => {
    await herald.admin.put('/v1/recipients/r-1', { email: 'r1@example.com' });
    const sent = await herald.admin.post<AcceptedNotification>('/v1/notifications', {
      content: { email: { subject: 's', text: 't' }, sms: { text: 'hi' } },
      to: { recipientId: 'r-1' },
      priority: 'high',
    });
    expect(sent.status).toBe(202);
    expect(sent.body.deliveries).toEqual([
      { id: is.any(String), channel: 'email', status: 'queued' },
      { id: is.any(String), channel: 'sms', status: 'skipped', reason: 'no_address' },
    ]);
    const { rows } = await herald.pg.query(
      'SELECT channel, status, address FROM deliveries WHERE notification_id = $1 ORDER BY channel',
      [sent.body.id],
    );
    expect(rows).toEqual([
      { channel: 'email', status: 'queued', address: { email: 'r1@example.com' } },
      { channel: 'sms', status: 'skipped', address: null },
    ]);
    const read = await herald.admin.get<NotificationView>(`/v1/notifications/${sent.body.id}`);
    expect(read.body).toMatchObject({ id: sent.body.id, priority: 'high', recipientId: 'r-1' });
  });

  it('schedules a notification whose sendAt is in the future', async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const sent = await herald.admin.post<AcceptedNotification>('/v1/notifications', { ...email, sendAt });
    expect(sent.body).toMatchObject({ status: 'scheduled', deliveries: [{ status: 'scheduled' }] });
    const read = await herald.admin.get<NotificationView>(`/v1/notifications/${sent.body.id}`);
    expect(read.body.sendAt).toBe(sendAt);
  });
});

describe('idempotency', () => {
  it('replays the first answer for the same key and body, and sends nothing more', async () => {
    const headers = { 'idempotency-key': 'order-1001-shipped' };
    const first = await herald.admin.post('/v1/notifications', email, headers);
    const second = await herald.admin.post('/v1/notifications', email, headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body).toEqual(first.body);
    expect(await countRows(herald.pg, 'notifications WHERE idempotency_key = $1', ['order-1001-shipped'])).toBe(1);
  });

  it('refuses the same key with another body as idempotency-key-reused', async () => {
    const headers = { 'idempotency-key': 'reused-key' };
    expect((await herald.admin.post('/v1/notifications', email, headers)).status).toBe(202);
    const other = await herald.admin.post('/v1/notifications', { ...email, data: { name: 'Grace' } }, headers);
    expectProblem(other, 422);
    expect(other.body.type).toMatch(/\/idempotency-key-reused$/);
  });

  it('scopes keys per API key', async () => {
    const other = await clientWithScopes(herald.admin, 'send');
    const headers = { 'idempotency-key': 'shared-name' };
    const a = await herald.admin.post<AcceptedNotification>('/v1/notifications', email, headers);
    const b = await other.post<AcceptedNotification>('/v1/notifications', email, headers);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('answers 409 while the first request is still in flight', async () => {
    const body = { ...email, data: { name: 'In flight' } };
    const [a, b] = await Promise.all([
      herald.admin.post('/v1/notifications', body, { 'idempotency-key': 'race' }),
      herald.admin.post('/v1/notifications', body, { 'idempotency-key': 'race' }),
    ]);
    const statuses = [a.status, b.status].sort();
    // Either the second arrived while the first ran (409) or after it answered (a replay).
    expect([
      [202, 202],
      [202, 409],
    ]).toContainEqual(statuses);
    expect(await count(`notifications WHERE idempotency_key = 'race'`)).toBe(1);

    // A request holding the key right now (its row claimed, no answer yet) makes the next one wait with 409.
    await herald.pg.query(
      `INSERT INTO idempotency_keys (api_key_id, key, request_hash, expires_at) VALUES ('env:ADMIN_API_KEY', 'held', $1, now() + interval '1 day')`,
      [canonicalHash(email)],
    );
    const held = await herald.admin.post('/v1/notifications', email, { 'idempotency-key': 'held' });
    expectProblem(held, 409);
    expect(held.headers.get('retry-after')).toBe('1');
  });

  it('creates one notification from 20 requests sent at once with the same key', async () => {
    const body = { ...email, data: { name: 'Twenty at once' } };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        herald.admin.post<AcceptedNotification>('/v1/notifications', body, { 'idempotency-key': 'twenty' }),
      ),
    );
    // Each is the first answer, a replay of it, or a 409 for arriving while the first was in flight.
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
    const accepted = answers.filter((answer) => answer.status === 202);
    expect(accepted.length).toBeGreaterThan(0);
    expect(new Set(accepted.map((answer) => answer.body.id)).size).toBe(1);
    expect(await count(`notifications WHERE idempotency_key = 'twenty'`)).toBe(1);
    expect(await count(`deliveries WHERE notification_id = '${accepted[0].body.id}'`)).toBe(1);
  });

  it('frees the key when the request is refused, so a corrected retry goes through', async () => {
    const headers = { 'idempotency-key': 'fix-and-retry' };
    expectProblem(
      await herald.admin.post('/v1/notifications', { ...email, template: 'missing', content: undefined }, headers),
      422,
    );
    const retried = await herald.admin.post('/v1/notifications', email, headers);
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses an Idempotency-Key longer than 255 characters', async () => {
    expectProblem(await herald.admin.post('/v1/notifications', email, { 'idempotency-key': 'k'.repeat(256) }), 422);
  });
});

describe('health', () => {
  it('reports liveness and the state of each dependency without a key', async () => {
    const anonymous = new ApiClient(herald.baseUrl);
    expect((await anonymous.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await anonymous.get<Readiness>('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({
      postgres: { status: 'up' },
      queue: { backend: 'postgres', status: 'up' },
      smtp: { status: 'capture' },
    });
  });

  it('serves the OpenAPI document', async () => {
    const doc = await new ApiClient(herald.baseUrl).get<OpenApiDocument>('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(is.arrayContaining(['/v1/notifications', '/v1/notifications/{id}']));
  });
});
