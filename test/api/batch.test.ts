import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientWithScopes } from '../support/api-client';
import type { AcceptedNotification, BatchResponse, NotificationView, ValidationProblem } from '../support/api-types';
import { anEmail, SendRequest } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { is } from '../support/matchers';
import { countRows } from '../support/sql';

const herald = useHerald({ apps: ['api'] });

function email(n: number | string, extra: Partial<SendRequest> = {}): SendRequest {
  return anEmail(`user-${n}@example.com`, { subject: 'Batch {{n}}', text: 'Item {{n}}' }, { data: { n }, ...extra });
}

const count = (from: string, params: unknown[] = []) => countRows(herald.pg, from, params);
const batch = (body: unknown) => herald.admin.post<BatchResponse>('/v1/notifications/batch', body);

describe('POST /v1/notifications/batch', () => {
  it('accepts the valid items, refuses the others one by one, and keeps the order', async () => {
    const before = await count('notifications');
    const response = await batch({
      notifications: [
        email('first'),
        { ...email('bad'), to: { email: 'not-an-email' }, priority: 'urgent', surprise: true },
        { template: 'no.such.template', to: { email: 'x@example.com' } },
        42,
        email('last', { channels: ['email'] }),
      ],
    });

    expect(response.status).toBe(202);
    const items = response.body.items;
    expect(items).toHaveLength(5);
    expect(items[0]).toMatchObject({
      id: is.any(String),
      status: 'accepted',
      deliveries: [{ channel: 'email', status: 'queued' }],
    });
    expect(items[4]).toMatchObject({
      id: is.any(String),
      status: 'accepted',
      deliveries: [{ channel: 'email', status: 'queued' }],
    });

    // Each refusal is the problem document a single send would answer, its paths relative to the item.
    expect(items[1].error).toMatchObject({ status: 422, type: is.stringMatching(/validation-error$/) });
    const paths = items[1].error?.errors.map((error) => error.path).sort();
    expect(paths).toEqual(['priority', 'surprise', 'to.email']);
    expect(items[2].error).toMatchObject({
      status: 422,
      type: is.stringMatching(/notification-rejected$/),
      errors: [{ path: 'template', message: is.stringContaining('does not exist') }],
    });
    expect(items[3].error).toMatchObject({ status: 422, errors: [{ path: '', message: 'must be an object' }] });
    for (const refused of [items[1], items[2], items[3]]) expect(refused.id).toBeUndefined();

    // Exactly the two valid items are stored, each as what it was sent.
    expect(await count('notifications')).toBe(before + 2);
    const { rows } = await herald.pg.query<{ id: string; n: string }>(
      `SELECT id, data->>'n' AS n FROM notifications WHERE id = ANY($1)`,
      [[items[0].id, items[4].id]],
    );
    expect(Object.fromEntries(rows.map((row) => [row.id, row.n]))).toEqual({
      [String(items[0].id)]: 'first',
      [String(items[4].id)]: 'last',
    });
    expect(await count('deliveries WHERE notification_id = ANY($1)', [[items[0].id, items[4].id]])).toBe(2);

    const stored = await herald.admin.get<NotificationView>(`/v1/notifications/${items[0].id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.deliveries[0]).toMatchObject({
      channel: 'email',
      content: { subject: 'Batch first', text: 'Item first' },
    });
  });

  it('applies each item idempotencyKey: a repeat replays the first answer, another body with the key is refused', async () => {
    const keyA = `a-${randomUUID()}`;
    const keyB = `b-${randomUUID()}`;
    const first = await batch({
      notifications: [
        email('a', { idempotencyKey: keyA }),
        email('b', { idempotencyKey: keyB }),
        // The same key twice in one batch: the second replays the first, it is not "in flight".
        email('a', { idempotencyKey: keyA }),
      ],
    });
    expect(first.status).toBe(202);
    const [a, b, aAgain] = first.body.items;
    expect(a.id).toEqual(is.any(String));
    expect(b.id).toEqual(is.any(String));
    expect(b.id).not.toBe(a.id);
    expect(aAgain).toEqual(a);

    const second = await batch({
      notifications: [email('a', { idempotencyKey: keyA }), email('changed', { idempotencyKey: keyB }), email('c')],
    });
    expect(second.status).toBe(202);
    expect(second.body.items[0]).toEqual(a);
    expect(second.body.items[1].error).toMatchObject({
      status: 422,
      type: is.stringMatching(/idempotency-key-reused$/),
    });
    expect(second.body.items[2]).toMatchObject({ status: 'accepted' });

    expect(await count('notifications WHERE idempotency_key = $1', [keyA])).toBe(1);
    expect(await count('notifications WHERE idempotency_key = $1', [keyB])).toBe(1);

    // Keys are per API key, whichever endpoint used them: a single send with the same key and body replays too.
    const single = await herald.admin.post<AcceptedNotification>('/v1/notifications', email('a'), {
      'Idempotency-Key': keyA,
    });
    expect(single.status).toBe(202);
    expect(single.headers.get('idempotent-replayed')).toBe('true');
    expect(single.body).toEqual(a);
  });

  it('keeps idempotency exact on the batch path: held, abandoned, refused-then-repeated and concurrent keys', async () => {
    const [seed, held, abandoned, refusedFirst] = ['seed', 'held', 'abandoned', 'refused'].map(
      (name) => `${name}-${randomUUID()}`,
    );
    // The hash of the body `held` protects (the key is not part of it), taken from a stored record.
    expect((await batch({ notifications: [email('held', { idempotencyKey: seed })] })).status).toBe(202);
    // Another request holds `held` (in flight); a process that died long ago left `abandoned` unanswered.
    await herald.pg.query(
      `INSERT INTO idempotency_keys (api_key_id, key, request_hash, created_at, expires_at)
       SELECT api_key_id, $2, request_hash, now(), now() + interval '1 day' FROM idempotency_keys WHERE key = $1
       UNION ALL
       SELECT api_key_id, $3, 'other', now() - interval '1 hour', now() + interval '1 day' FROM idempotency_keys
       WHERE key = $1`,
      [seed, held, abandoned],
    );
    const response = await batch({
      notifications: [
        email('held', { idempotencyKey: held }),
        email('abandoned', { idempotencyKey: abandoned }),
        // Refused (422): its key is freed, so the corrected repeat later in the batch is accepted.
        { ...email('bad', { idempotencyKey: refusedFirst }), to: { email: 'not-an-email' } },
        email('good', { idempotencyKey: refusedFirst }),
        { ...email('bad', { idempotencyKey: refusedFirst }), channels: ['sms'] },
      ],
    });
    expect(response.status).toBe(202);
    const [heldItem, abandonedItem, invalid, corrected, repeatChanged] = response.body.items;
    expect(heldItem.error).toMatchObject({ status: 409, type: is.stringMatching(/idempotency-key-in-flight$/) });
    expect(abandonedItem).toMatchObject({ status: 'accepted' });
    expect(invalid.error).toMatchObject({ status: 422 });
    expect(corrected).toMatchObject({ status: 'accepted' });
    expect(repeatChanged.error).toMatchObject({ status: 422, type: is.stringMatching(/idempotency-key-reused$/) });
    expect(await count('notifications WHERE idempotency_key = ANY($1)', [[held, abandoned, refusedFirst]])).toBe(2);
    const { rows } = await herald.pg.query<{ key: string; response_body: unknown }>(
      `SELECT key, response_body FROM idempotency_keys WHERE key = ANY($1)`,
      [[abandoned, refusedFirst]],
    );
    expect(Object.fromEntries(rows.map((row) => [row.key, row.response_body]))).toEqual({
      [abandoned]: abandonedItem,
      [refusedFirst]: corrected,
    });

    // The same 50 keys in three batches at once: one notification per key, and every answer that is not
    // a 409 (another batch holds the key) is the stored one.
    const keys = Array.from({ length: 50 }, (_, n) => `race-${n}-${randomUUID()}`);
    const body = { notifications: keys.map((key, n) => email(`race-${n}`, { idempotencyKey: key })) };
    const answers = await Promise.all([batch(body), batch(body), batch(body)]);
    expect(await count('notifications WHERE idempotency_key = ANY($1)', [keys])).toBe(50);
    const stored = await herald.pg.query<{ key: string; id: string }>(
      `SELECT idempotency_key AS key, id FROM notifications WHERE idempotency_key = ANY($1)`,
      [keys],
    );
    const idOf = new Map(stored.rows.map((row) => [row.key, row.id]));
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      answer.body.items.forEach((item, n) => {
        if (item.error) expect(item.error).toMatchObject({ status: 409 });
        else expect(item.id).toBe(idOf.get(keys[n]));
      });
    }
  });

  it('accepts 1000 items in the order given', async () => {
    const notifications = Array.from({ length: 1000 }, (_, n) => email(n));
    const started = Date.now();
    const response = await batch({ notifications });
    const tookMs = Date.now() - started;
    expect(response.status).toBe(202);
    expect(response.body.items).toHaveLength(1000);
    const ids = response.body.items.map((item) => String(item.id));
    expect(new Set(ids).size).toBe(1000);
    const { rows } = await herald.pg.query<{ id: string; n: number }>(
      `SELECT id, (data->>'n')::int AS n FROM notifications WHERE id = ANY($1)`,
      [ids],
    );
    expect(rows).toHaveLength(1000);
    const n = new Map(rows.map((row) => [row.id, row.n]));
    expect(ids.map((id) => n.get(id))).toEqual(notifications.map((_, index) => index));
    // A budget, not a benchmark: items are accepted several at a time.
    expect(tookMs).toBeLessThan(20_000);
  });

  it('refuses the whole request with 422 when it is not { notifications: [...] } or has more than 1000 items', async () => {
    const before = await count('notifications');
    const tooMany = await herald.admin.post<ValidationProblem>('/v1/notifications/batch', {
      notifications: Array.from({ length: 1001 }, () => ({ to: { email: 'x@example.com' } })),
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(tooMany.body.errors).toEqual([{ path: 'notifications', message: is.stringContaining('1000') }]);

    for (const body of [
      {},
      { notifications: 'nope' },
      { notifications: {} },
      { notifications: [], extra: true },
      [email(1)],
    ]) {
      const response = await batch(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body).toMatchObject({ status: 422, errors: is.any(Array) });
    }
    expect(await count('notifications')).toBe(before);

    const empty = await batch({ notifications: [] });
    expect(empty.status).toBe(202);
    expect(empty.body).toEqual({ items: [] });
  });

  it('needs the send scope', async () => {
    const reader = await clientWithScopes(herald.admin, 'read');
    expect((await reader.post('/v1/notifications/batch', { notifications: [email(1)] })).status).toBe(403);
    expect(
      (await herald.admin.withKey(undefined).post('/v1/notifications/batch', { notifications: [email(1)] })).status,
    ).toBe(401);
    const sender = await clientWithScopes(herald.admin, 'send');
    const sent = await sender.post<BatchResponse>('/v1/notifications/batch', { notifications: [email(1)] });
    expect(sent.status).toBe(202);
    expect(sent.body.items[0]).toMatchObject({ status: 'accepted' });
  });
});
