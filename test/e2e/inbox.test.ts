import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { InboxEvents, inboxToken, InboxService } from '@herald/recipients';
import { ApiClient, clientWithScopes } from '../support/api-client';
import type { InboxMessageView, InboxPage, ValidationProblem } from '../support/api-types';
import { eventually } from '../support/eventually';
import { anInAppMessage } from '../support/factories';
import type { RunningHerald } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { SseClient } from '../support/sse-client';
import { settledNotification, sendNotification } from '../support/notifications';
import { is } from '../support/matchers';

const INBOX_SECRET = `inbox-secret-${randomBytes(8).toString('hex')}`;
const PROBLEM = 'application/problem+json';

/** One in_app notification with inline content, as a sibling service would send it. */
async function sendInApp(client: ApiClient, recipientId: string, orderId: string) {
  const sent = await sendNotification(
    client,
    anInAppMessage(
      recipientId,
      { title: 'Hi', body: 'Order {{orderId}}', url: '/orders/{{orderId}}' },
      { data: { orderId } },
    ),
  );
  expect(sent.status).toBe(202);
  expect(sent.body.deliveries).toMatchObject([{ channel: 'in_app', status: 'queued' }]);
  return sent.body;
}

/** Waits for the in_app delivery to end `delivered`; answers the delivery (its providerMessageId is the message id). */
async function delivered(client: ApiClient, notificationId: string) {
  const notification = await settledNotification(client, notificationId, 'completed');
  expect(notification.deliveries[0]).toMatchObject({
    channel: 'in_app',
    status: 'delivered',
    attempts: [{ outcome: 'ok' }],
  });
  return { id: notification.deliveries[0].id, providerMessageId: String(notification.deliveries[0].providerMessageId) };
}

describe('in-app inbox', () => {
  const herald = useHerald({ env: { INBOX_SECRET } });
  let reader: ApiClient;

  beforeAll(async () => {
    reader = await clientWithScopes(herald.admin, 'read');
  });

  it('refuses an in_app send to a recipient that does not exist, and stores it once the recipient does', async () => {
    const refused = await sendNotification(
      herald.admin,
      anInAppMessage('user-1', { title: 'Hi', body: 'Order {{orderId}}' }, { data: { orderId: 'A-1' } }),
    );
    expect(refused.status).toBe(422);

    expect((await herald.admin.put('/v1/recipients/user-1', {})).status).toBe(201);
    const sent = await sendInApp(herald.admin, 'user-1', 'A-1');
    const delivery = await delivered(herald.admin, sent.id);

    const inbox = await reader.get<InboxPage>('/v1/recipients/user-1/inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.body).toEqual({
      items: [
        {
          id: delivery.providerMessageId,
          recipientId: 'user-1',
          notificationId: sent.id,
          title: 'Hi',
          body: 'Order A-1',
          url: '/orders/A-1',
          read: false,
          readAt: null,
          createdAt: is.any(String),
        },
      ],
      nextCursor: null,
      unreadCount: 1,
    });
  });

  it('marks one message read, then all of them', async () => {
    await herald.admin.put('/v1/recipients/user-2', {});
    const messageIds: string[] = [];
    for (const orderId of ['B-1', 'B-2', 'B-3']) {
      messageIds.push(
        (await delivered(herald.admin, (await sendInApp(herald.admin, 'user-2', orderId)).id)).providerMessageId,
      );
    }
    expect((await reader.get<InboxPage>('/v1/recipients/user-2/inbox')).body.unreadCount).toBe(3);

    const read = await reader.post<InboxMessageView>(`/v1/recipients/user-2/inbox/${messageIds[0]}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: messageIds[0], body: 'Order B-1', read: true, readAt: is.any(String) });
    // Reading it again answers the same message and keeps the first read time.
    const again = await reader.post<InboxMessageView>(`/v1/recipients/user-2/inbox/${messageIds[0]}/read`);
    expect(again.body.readAt).toBe(read.body.readAt);

    const unread = await reader.get<InboxPage>('/v1/recipients/user-2/inbox?unread=true');
    expect(unread.body.unreadCount).toBe(2);
    expect(unread.body.items.map((m) => m.id)).toEqual([messageIds[2], messageIds[1]]);

    const all = await reader.post<{ updated: number }>('/v1/recipients/user-2/inbox/read-all');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ updated: 2 });
    const after = await reader.get<InboxPage>('/v1/recipients/user-2/inbox?unread=true');
    expect(after.body).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
    expect((await reader.get<InboxPage>('/v1/recipients/user-2/inbox')).body.items).toHaveLength(3);
    expect((await reader.post<{ updated: number }>('/v1/recipients/user-2/inbox/read-all')).body).toEqual({
      updated: 0,
    });
  });

  it('answers 404 for a message that is unknown, malformed or in another inbox', async () => {
    const other = (await reader.get<InboxPage>('/v1/recipients/user-2/inbox')).body.items[0].id;
    for (const messageId of ['01900000-0000-7000-8000-000000000000', 'not-a-uuid', other]) {
      const response = await reader.post<InboxMessageView>(`/v1/recipients/user-1/inbox/${messageId}/read`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain(PROBLEM);
    }
  });

  it('pages newest first with a cursor', async () => {
    await herald.admin.put('/v1/recipients/user-3', {});
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      ids.push(
        (await delivered(herald.admin, (await sendInApp(herald.admin, 'user-3', `C-${i}`)).id)).providerMessageId,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: InboxPage } = await reader.get<InboxPage>(
        `/v1/recipients/user-3/inbox?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.unreadCount).toBe(5);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((m) => m.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
    // A limit that ends exactly at the last message says there is no next page.
    const exact = await reader.get<InboxPage>('/v1/recipients/user-3/inbox?limit=5');
    expect(exact.body.items).toHaveLength(5);
    expect(exact.body.nextCursor).toBeNull();
  });

  it('refuses malformed query parameters with 422, naming them', async () => {
    for (const [query, path] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=abc', 'cursor'],
      ['unread=maybe', 'unread'],
      ['colour=red', 'colour'],
    ]) {
      const response = await reader.get<ValidationProblem>(`/v1/recipients/user-1/inbox?${query}`);
      expect(response.status, query).toBe(422);
      expect(response.headers.get('content-type')).toContain(PROBLEM);
      expect(response.body.errors.map((e) => e.path)).toContain(path);
    }
    expect((await reader.get<InboxPage>('/v1/recipients/user-1/inbox?limit=200&unread=false')).status).toBe(200);
  });

  it('takes the recipient token instead of an API key, and refuses a wrong one with 401', async () => {
    const anonymous = new ApiClient(herald.baseUrl);
    const withToken = await anonymous.get<InboxPage>('/v1/recipients/user-1/inbox', {
      'x-recipient-token': inboxToken(INBOX_SECRET, 'user-1'),
    });
    expect(withToken.status).toBe(200);
    expect(withToken.body.items).toHaveLength(1);

    const messageId = withToken.body.items[0].id;
    const read = await anonymous.post(
      `/v1/recipients/user-1/inbox/${messageId}/read`,
      {},
      {
        'x-recipient-token': inboxToken(INBOX_SECRET, 'user-1'),
      },
    );
    expect(read.status).toBe(200);

    const refusals: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ['a token of another recipient', { 'x-recipient-token': inboxToken(INBOX_SECRET, 'user-2') }],
      ['a token made with another secret', { 'x-recipient-token': inboxToken('other-secret', 'user-1') }],
      ['a mangled token', { 'x-recipient-token': inboxToken(INBOX_SECRET, 'user-1').slice(0, -2) }],
      ['an unknown API key', { authorization: 'Bearer hk_nope' }],
    ];
    for (const [what, headers] of refusals) {
      const response = await anonymous.get<InboxPage>('/v1/recipients/user-1/inbox', headers);
      expect(response.status, what).toBe(401);
      expect(response.headers.get('content-type'), what).toContain(PROBLEM);
      expect(response.body).toMatchObject({ status: 401, type: is.stringContaining('unauthorized') });
    }
    // ?token= is for the stream only: a URL ends up in logs.
    const inQuery = await anonymous.get<InboxPage>(
      `/v1/recipients/user-1/inbox?token=${inboxToken(INBOX_SECRET, 'user-1')}`,
    );
    expect(inQuery.status).toBe(401);

    const sender = await clientWithScopes(herald.admin, 'send');
    expect((await sender.get('/v1/recipients/user-1/inbox')).status).toBe(403);
  });

  it('stores a retried delivery once', async () => {
    const inbox = herald.app.get(InboxService);
    const message = {
      deliveryId: '01900000-0000-7000-8000-0000000000aa',
      notificationId: '01900000-0000-7000-8000-0000000000bb',
      recipientId: 'user-4',
      title: 'Once',
      body: 'only once',
    };
    const first = await inbox.deliver(message);
    const second = await inbox.deliver(message);
    expect(second).toEqual(first);
    const listed = await reader.get<InboxPage>('/v1/recipients/user-4/inbox');
    expect(listed.body.items).toEqual([first]);
  });

  it('streams new messages, replays missed ones after Last-Event-ID, and lets go of a closed stream', async () => {
    await herald.admin.put('/v1/recipients/user-5', {});
    const events = herald.app.get(InboxEvents);
    expect(events.kind).toBe('postgres');
    const url = `${herald.baseUrl}/v1/recipients/user-5/inbox/stream`;
    const stream = await SseClient.connect(url, { 'x-recipient-token': inboxToken(INBOX_SECRET, 'user-5') });
    expect(stream.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    expect(events.listenerCount).toBe(1);

    const first = await delivered(herald.admin, (await sendInApp(herald.admin, 'user-5', 'E-1')).id);
    const event = await stream.next((e) => e.event === 'message');
    expect(event.id).toBe(first.providerMessageId);
    expect(JSON.parse(event.data)).toMatchObject({
      id: first.providerMessageId,
      recipientId: 'user-5',
      body: 'Order E-1',
      read: false,
    });

    await stream.close();
    await eventually(() => events.listenerCount === 0, { what: 'the closed stream to unsubscribe' });

    // Sent while no stream was open; a reconnecting EventSource sends the id of the last event it saw.
    const missed = await delivered(herald.admin, (await sendInApp(herald.admin, 'user-5', 'E-2')).id);
    const resumed = await SseClient.connect(`${url}?token=${inboxToken(INBOX_SECRET, 'user-5')}`, {
      'last-event-id': event.id!,
    });
    expect(resumed.status).toBe(200);
    const replayed = await resumed.next((e) => e.event === 'message');
    expect(replayed.id).toBe(missed.providerMessageId);
    const live = await delivered(herald.admin, (await sendInApp(herald.admin, 'user-5', 'E-3')).id);
    await resumed.next((e) => e.id === live.providerMessageId);
    expect(resumed.events.map((e) => e.id)).toEqual([missed.providerMessageId, live.providerMessageId]);
    await resumed.close();
    await eventually(() => events.listenerCount === 0, { what: 'the closed stream to unsubscribe' });
  });

  it('ends open streams when the LISTEN connection drops, and listens again for the next stream', async () => {
    await herald.admin.put('/v1/recipients/user-6', {});
    const headers = { 'x-recipient-token': inboxToken(INBOX_SECRET, 'user-6') };
    const url = `${herald.baseUrl}/v1/recipients/user-6/inbox/stream`;
    const stream = await SseClient.connect(url, headers);
    expect(stream.status).toBe(200);

    const admin = new Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
         WHERE datname = $1 AND application_name = 'herald-inbox-listener'`,
        [herald.db.name],
      );
      expect(rows).toEqual([{ killed: true }]);
    } finally {
      await admin.end();
    }
    // Events may have been missed while the connection was down: the client is made to reconnect.
    await stream.waitForEnd();

    const again = await SseClient.connect(url, headers);
    expect(again.status).toBe(200);
    const sent = await delivered(herald.admin, (await sendInApp(herald.admin, 'user-6', 'F-1')).id);
    expect((await again.next((e) => e.event === 'message')).id).toBe(sent.providerMessageId);
    await again.close();
  });
});

const redisUrl = inject('redisUrl');

describe.each([
  { name: 'Redis pub/sub', kind: 'redis', env: { REDIS_URL: redisUrl ?? undefined }, skip: !redisUrl },
  { name: 'PostgreSQL LISTEN/NOTIFY', kind: 'postgres', env: {}, skip: false },
])('inbox stream across API instances over $name', (backend) => {
  const { kind, skip } = backend;
  const installation = useHerald({ backend, app: false });
  let apiA: RunningHerald;
  let apiB: RunningHerald;
  let worker: RunningHerald;

  beforeAll(async () => {
    if (skip) return;
    // One installation: the same database, Redis prefix and inbox secret for every process.
    const env = { INBOX_SECRET, REDIS_PREFIX: `herald-inbox-${randomBytes(4).toString('hex')}` };
    [apiA, apiB, worker] = await Promise.all([
      installation.start({ env, apps: ['api'] }),
      installation.start({ env, apps: ['api'] }),
      installation.start({ env, apps: ['worker'] }),
    ]);
  });

  it.skipIf(skip)(
    'a message sent through one instance reaches a stream on another within a second of being stored',
    async () => {
      const recipientId = 'user-sse';
      for (const instance of [apiA, apiB, worker]) expect(instance.app.get(InboxEvents).kind).toBe(kind);
      const stream = await SseClient.connect(
        `${apiA.baseUrl}/v1/recipients/${recipientId}/inbox/stream?token=${inboxToken(INBOX_SECRET, recipientId)}`,
      );
      try {
        expect(stream.status).toBe(200);
        expect(stream.response.headers.get('content-type')).toContain('text/event-stream');

        expect((await apiB.admin.put(`/v1/recipients/${recipientId}`, {})).status).toBe(201);
        const sent = await sendInApp(apiB.admin, recipientId, 'S-1');
        const event = await stream.next((e) => e.event === 'message', 10_000);
        const delivery = await delivered(apiB.admin, sent.id);

        const message = JSON.parse(event.data) as InboxMessageView;
        expect(event.id).toBe(delivery.providerMessageId);
        expect(message).toMatchObject({
          id: delivery.providerMessageId,
          recipientId,
          notificationId: sent.id,
          title: 'Hi',
          body: 'Order S-1',
          url: '/orders/S-1',
          read: false,
        });
        // createdAt is PostgreSQL's clock at insert, on this machine like the test's.
        const lag = event.receivedAt - Date.parse(message.createdAt);
        expect(lag).toBeGreaterThan(-100);
        expect(lag).toBeLessThan(1000);
        expect(stream.events.filter((e) => e.event === 'message')).toHaveLength(1);
      } finally {
        await stream.close();
      }
      await eventually(() => apiA.app.get(InboxEvents).listenerCount === 0, {
        what: 'the closed stream to unsubscribe',
      });
    },
  );

  it.skipIf(skip)('closing an instance ends its open streams instead of waiting for them', async () => {
    const apiC = await installation.start({ env: { INBOX_SECRET }, apps: ['api'] });
    const stream = await SseClient.connect(
      `${apiC.baseUrl}/v1/recipients/user-sse/inbox/stream?token=${inboxToken(INBOX_SECRET, 'user-sse')}`,
    );
    expect(stream.status).toBe(200);
    const started = Date.now();
    await apiC.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await stream.waitForEnd();
  });

  it.skipIf(skip)('refuses a stream with a wrong token with a 401 problem', async () => {
    const stream = await SseClient.connect(
      `${apiA.baseUrl}/v1/recipients/user-sse/inbox/stream?token=${inboxToken(INBOX_SECRET, 'someone-else')}`,
    );
    expect(stream.status).toBe(401);
    expect(stream.response.headers.get('content-type')).toContain(PROBLEM);
    expect(await stream.response.json()).toMatchObject({ status: 401 });
    expect(apiA.app.get(InboxEvents).listenerCount).toBe(0);
  });
});
