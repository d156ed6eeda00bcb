import { DigestCloseService } from '@herald/notifications';
import { describe, expect, it } from 'vitest';
import { ApiClient, clientWithScopes, expectProblem, problemOf, problemPaths } from '../support/api-client';
import type { DigestedSend, DigestEventView, DigestView, NotificationView, Page } from '../support/api-types';
import { aRecipient, aTemplate, aTemplatedNotification } from '../support/factories';
import { eventually } from '../support/eventually';
import { useHerald } from '../support/herald-harness';
import { countRows } from '../support/sql';

// The api alone: no worker closes the digests, and the window is long, so they stay open while read.
const herald = useHerald({ apps: ['api'] });

const UNKNOWN_ID = '0190a5c2-0000-7000-8000-000000000000';

const events = (client: ApiClient, id: string, query = '') =>
  client.get<Page<DigestEventView>>(`/v1/digests/${id}/events${query}`);

/** A digest of `count` sends of `{ n }` (1 to count) to `recipientId`, one at a time: its id. */
async function digestOf(client: ApiClient, template: string, recipientId: string, count: number): Promise<string> {
  const ids = new Set<string>();
  for (let n = 1; n <= count; n++) {
    const sent = await client.post<DigestedSend>(
      '/v1/notifications',
      aTemplatedNotification(template, recipientId, { n }),
    );
    expect(sent.status).toBe(202);
    ids.add(sent.body.digestId);
  }
  expect(ids.size).toBe(1);
  return [...ids][0];
}

describe('GET /v1/digests/{id}/events', () => {
  it('lists the sends in the order they joined, page by page along nextCursor', async () => {
    await herald.admin.put('/v1/admin/templates/events-order', aTemplate({ digest: { window: 3600, key: 'all' } }));
    await herald.admin.put('/v1/recipients/ev-order', aRecipient({ email: 'ev-order@example.com' }));
    const id = await digestOf(herald.admin, 'events-order', 'ev-order', 5);

    const all = await events(herald.admin, id);
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items.map(({ position, data }) => ({ position, data }))).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({ position: n, data: { n } })),
    );
    const times = all.body.items.map((item) => Date.parse(item.createdAt));
    expect(times.every((time, index) => Number.isFinite(time) && time >= (times[index - 1] ?? 0))).toBe(true);

    const pages: number[][] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await events(herald.admin, id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(page.body.items.map((item) => item.position));
      cursor = page.body.nextCursor;
    }
    expect(pages).toEqual([[1, 2], [3, 4], [5]]);

    // Past the end: an empty last page, not a 404.
    expect((await events(herald.admin, id, '?cursor=5')).body).toEqual({ items: [], nextCursor: null });
  });

  it('is read by `read` keys and by a `send` key that sent to the digest; 404 to any other key, 403 without scope', async () => {
    await herald.admin.put('/v1/admin/templates/events-access', aTemplate({ digest: { window: 3600, key: 'all' } }));
    await herald.admin.put('/v1/recipients/ev-access', aRecipient({ email: 'ev-access@example.com' }));
    const [sender, other, reader, manager] = await Promise.all([
      clientWithScopes(herald.admin, 'send'),
      clientWithScopes(herald.admin, 'send'),
      clientWithScopes(herald.admin, 'read'),
      clientWithScopes(herald.admin, 'recipients'),
    ]);
    const id = await digestOf(sender, 'events-access', 'ev-access', 2);
    expect((await events(other, id)).status).toBe(404);
    expect((await other.get(`/v1/digests/${id}`)).status).toBe(404);

    for (const client of [sender, reader, herald.admin]) {
      const page = await events(client, id);
      expect(page.status).toBe(200);
      expect(page.body.items.map((item) => item.data)).toEqual([{ n: 1 }, { n: 2 }]);
    }
    expectProblem(await events(manager, id), 403);

    // The other key joins the same digest: from then on it reads every send of it, as it reads the digest.
    await other.post('/v1/notifications', aTemplatedNotification('events-access', 'ev-access', { n: 3 }));
    expect((await events(other, id)).body.items.map((item) => item.position)).toEqual([1, 2, 3]);
  });

  it('answers bad input with problem documents, never a 500', async () => {
    await herald.admin.put('/v1/admin/templates/events-bad', aTemplate({ digest: { window: 3600, key: 'all' } }));
    await herald.admin.put('/v1/recipients/ev-bad', aRecipient({ email: 'ev-bad@example.com' }));
    const id = await digestOf(herald.admin, 'events-bad', 'ev-bad', 1);

    for (const query of ['limit=0', 'limit=201', 'limit=1.5', 'limit=1e2', 'limit=abc', 'limit=']) {
      const paths = problemPaths(problemOf(await events(herald.admin, id, `?${query}`), 422));
      expect(new Set(paths), query).toEqual(new Set(['limit']));
    }
    // A position past PostgreSQL's integer, signed, or not a number at all.
    for (const query of ['cursor=9999999999', 'cursor=-1', 'cursor=abc', 'cursor=%20', 'cursor=1&cursor=2']) {
      const paths = problemPaths(problemOf(await events(herald.admin, id, `?${query}`), 422));
      expect(new Set(paths), query).toEqual(new Set(['cursor']));
    }
    const both = problemPaths(problemOf(await events(herald.admin, id, '?limit=0&cursor=x'), 422));
    expect(new Set(both)).toEqual(new Set(['cursor', 'limit']));
    // An id that names nothing, malformed or unknown, is a 404 as on `GET /v1/digests/{id}`.
    expectProblem(await events(herald.admin, 'not-a-uuid'), 404);
    expectProblem(await events(herald.admin, UNKNOWN_ID), 404);
    expectProblem(await events(herald.admin, UNKNOWN_ID, '?cursor=1'), 404);
    expect((await events(herald.admin, id, '?limit=200&cursor=999999999')).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});

describe('erasure of a recipient with digests', () => {
  it("empties the data of its digests' events, closes its open ones for good, and leaves others' alone", async () => {
    await herald.admin.put('/v1/admin/templates/erase-open', aTemplate({ digest: { window: 3600, key: 'all' } }));
    await herald.admin.put(
      '/v1/admin/templates/erase-closed',
      aTemplate({
        channels: { in_app: { title: '{{count}}', body: 'b' } },
        digest: { window: 3600, key: 'all', maxEvents: 1 },
      }),
    );
    for (const id of ['ev-erased', 'ev-kept']) {
      await herald.admin.put(`/v1/recipients/${id}`, aRecipient({ email: `${id}@example.com` }));
    }
    const open = await digestOf(herald.admin, 'erase-open', 'ev-erased', 2);
    const kept = await digestOf(herald.admin, 'erase-open', 'ev-kept', 1);
    // Full at its first send; closed into a notification by hand (no worker here).
    const closed = await digestOf(herald.admin, 'erase-closed', 'ev-erased', 1);
    await herald.app.get(DigestCloseService).close(closed);
    const notificationId = (await herald.admin.get<DigestView>(`/v1/digests/${closed}`)).body.notificationId!;
    expect(notificationId).toBeTruthy();

    expect((await herald.admin.delete('/v1/recipients/ev-erased')).status).toBe(204);

    for (const [id, positions] of [
      [open, [1, 2]],
      [closed, [1]],
    ] as const) {
      const page = await events(herald.admin, id);
      expect(page.body.items.map(({ position, data }) => ({ position, data }))).toEqual(
        positions.map((position) => ({ position, data: {} })),
      );
    }
    expect(
      await countRows(
        herald.pg,
        `digest_events e JOIN digests d ON d.id = e.digest_id WHERE d.recipient_id = $1 AND e.data <> '{}'`,
        ['ev-erased'],
      ),
    ).toBe(0);
    expect((await herald.admin.get<NotificationView>(`/v1/notifications/${notificationId}`)).body.data).toEqual({});

    // Its open digest is closed without a notification, and a late close job or reconciler pass makes none.
    await herald.app.get(DigestCloseService).close(open);
    await herald.app.get(DigestCloseService).closeDue();
    expect((await herald.admin.get<DigestView>(`/v1/digests/${open}`)).body).toMatchObject({
      status: 'closed',
      notificationId: null,
      error: 'recipient deleted',
    });
    expect(await countRows(herald.pg, `notifications WHERE recipient_id = $1`, ['ev-erased'])).toBe(1);

    // Another recipient's digest of the same template keeps its sends and stays open.
    expect((await events(herald.admin, kept)).body.items.map((item) => item.data)).toEqual([{ n: 1 }]);
    expect((await herald.admin.get<DigestView>(`/v1/digests/${kept}`)).body.status).toBe('open');
  });

  it('refuses a send that found the recipient just before its erasure, storing nothing of it', async () => {
    await herald.admin.put('/v1/admin/templates/erase-race', aTemplate({ digest: { window: 3600, key: 'all' } }));
    await herald.admin.put('/v1/recipients/ev-race', aRecipient({ email: 'ev-race@example.com' }));
    // What an erasure does first and last, held open: the send still finds the row, then meets its lock.
    await herald.pg.query('BEGIN');
    await herald.pg.query(`SELECT 1 FROM recipients WHERE id = 'ev-race' FOR UPDATE`);
    await herald.pg.query(`DELETE FROM recipients WHERE id = 'ev-race'`);
    const sent = herald.admin.post('/v1/notifications', aTemplatedNotification('erase-race', 'ev-race', { n: 1 }), {
      'Idempotency-Key': 'ev-race-1',
    });
    try {
      await eventually(
        async () =>
          (await countRows(
            herald.pg,
            `pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          )) > 0,
        { what: 'the send to wait for the erasure' },
      );
    } finally {
      await herald.pg.query('COMMIT');
    }
    expect(problemPaths(problemOf(await sent, 422))).toEqual(['to.recipientId']);
    expect(await countRows(herald.pg, `digests WHERE recipient_id = $1`, ['ev-race'])).toBe(0);
    expect(
      await countRows(herald.pg, `idempotency_keys WHERE key = $1 AND response_status IS NOT NULL`, ['ev-race-1']),
    ).toBe(0);
  });
});
