import { setTimeout as sleep } from 'node:timers/promises';
import { DeliveryQueue, deliveryJobId, deliveryQueueName, QueueBackend } from '@herald/core';
import { describe, expect, it } from 'vitest';
import { ApiClient, ApiResponse, clientWithScopes, expectProblem } from '../support/api-client';
import type {
  AcceptedNotification,
  Channel,
  DeliveryStatus,
  DeliveryHistoryItem,
  HistoryStats,
  NotificationHistoryItem,
  NotificationView,
  OpenApiDocument,
  Page,
  ValidationProblem,
} from '../support/api-types';
import { eventually } from '../support/eventually';
import { aNotification, aTemplate, SendRequest } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { is } from '../support/matchers';
import { readNotification } from '../support/notifications';
import { countRows } from '../support/sql';

// The api app alone: no worker takes the jobs, so deliveries stay where the test puts them.
const herald = useHerald({ apps: ['api'] });

/** Sends an inline email notification for `recipientId` (no stored recipient needed when the address is inline). */
async function send(
  recipientId: string,
  extra: Partial<SendRequest> = {},
  client = herald.admin,
): Promise<AcceptedNotification> {
  const response = await client.post<AcceptedNotification>(
    '/v1/notifications',
    aNotification({ to: { recipientId, email: `${recipientId}@example.com` }, ...extra }),
  );
  expect(response.status).toBe(202);
  return response.body;
}

/** An email and an sms notification, so the sms is skipped (no phone). */
const emailAndSms = { content: { email: { subject: 's', text: 't' }, sms: { text: 'x' } } };

interface Listed {
  id: string;
  createdAt: string;
}

/** Follows nextCursor to the end; `between` runs after each page (to insert while paging). */
async function allPages(
  path: string,
  between: () => Promise<void> = async () => {},
): Promise<{ pages: Listed[][]; ids: string[] }> {
  const pages: Listed[][] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const response: ApiResponse<Page<Listed>> = await herald.admin.get(
      `${path}${cursor ? `${separator}cursor=${cursor}` : ''}`,
    );
    expect(response.status).toBe(200);
    pages.push(response.body.items);
    cursor = response.body.nextCursor;
    await between();
  } while (cursor);
  return { pages, ids: pages.flat().map((item) => item.id) };
}

function expectNewestFirst(items: { id: string; createdAt: string }[]) {
  for (let i = 1; i < items.length; i++) {
    expect(items[i].id < items[i - 1].id, `${items[i].id} after ${items[i - 1].id}`).toBe(true);
    expect(Date.parse(items[i].createdAt)).toBeLessThanOrEqual(Date.parse(items[i - 1].createdAt));
  }
}

describe('access', () => {
  it('keeps the history, stats and retry to admin keys, and cancel to the send key that sent it', async () => {
    const reader = await clientWithScopes(herald.admin, 'read');
    const sender = await clientWithScopes(herald.admin, 'send');
    for (const client of [reader, sender]) {
      expectProblem(await client.get('/v1/admin/notifications'), 403);
      expectProblem(await client.get('/v1/admin/deliveries'), 403);
      expectProblem(await client.get('/v1/admin/stats'), 403);
      expectProblem(await client.post('/v1/admin/deliveries/01900000-0000-7000-8000-000000000000/retry'), 403);
    }
    expectProblem(await herald.admin.withKey(undefined).get('/v1/admin/notifications'), 401);

    const sent = await send('access', { sendAt: new Date(Date.now() + 3_600_000).toISOString() }, sender);
    expectProblem(await reader.post(`/v1/notifications/${sent.id}/cancel`), 403);
    // Another send key's: the 404 of a missing notification (API.md §2).
    expectProblem(
      await (await clientWithScopes(herald.admin, 'send')).post(`/v1/notifications/${sent.id}/cancel`),
      404,
    );
    const cancelled = await sender.post<NotificationView>(`/v1/notifications/${sent.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });
});

describe('query validation', () => {
  const bad: [string, string][] = [
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=abc', 'limit'],
    ['cursor=page-2', 'cursor'],
    ['channel=fax', 'channel'],
    ['since=yesterday', 'since'],
    ['since=2026-02-30T00:00:00Z', 'since'],
    ['until=2026-01-01T00:00:00', 'until'],
    ['since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', 'until'],
    ['surprise=1', 'surprise'],
  ];

  it.each(bad)('answers 422 naming the parameter for ?%s on both lists', async (query, path) => {
    for (const list of ['notifications', 'deliveries']) {
      const response = await herald.admin.get(`/v1/admin/${list}?${query}`);
      expectProblem<ValidationProblem>(response, 422);
      expect(response.body.errors.map((error) => error.path)).toContain(path);
    }
  });

  it('checks each list against its own statuses, and the notification filters', async () => {
    const notifications = await herald.admin.get(
      '/v1/admin/notifications?status=sent&template=has%20space&recipientId=-x',
    );
    expectProblem<ValidationProblem>(notifications, 422);
    expect(notifications.body.errors.map((error) => error.path).sort()).toEqual(['recipientId', 'status', 'template']);
    const deliveries = await herald.admin.get('/v1/admin/deliveries?status=completed');
    expectProblem<ValidationProblem>(deliveries, 422);
    expect(deliveries.body.errors).toEqual([{ path: 'status', message: is.stringContaining('status must be one of') }]);
    // Filters of the other list are unknown parameters here.
    expectProblem(await herald.admin.get('/v1/admin/deliveries?recipientId=a'), 422);

    expect((await herald.admin.get('/v1/admin/notifications?status=completed&limit=200')).status).toBe(200);
    expect((await herald.admin.get('/v1/admin/deliveries?status=sent&channel=in_app&since=2026-01-01')).status).toBe(
      200,
    );
  });
});

describe('pagination', () => {
  it('pages newest first with no duplicates and no gaps', async () => {
    const created: string[] = [];
    for (let i = 0; i < 23; i++) created.push((await send('pager-1')).id);

    const { pages, ids } = await allPages('/v1/admin/notifications?recipientId=pager-1&limit=5');
    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
    expect(ids).toEqual([...created].reverse());
    expectNewestFirst(pages.flat());

    const exact = await herald.admin.get<Page<NotificationHistoryItem>>(
      '/v1/admin/notifications?recipientId=pager-1&limit=23',
    );
    expect(exact.body.items).toHaveLength(23);
    expect(exact.body.nextCursor).toBeNull();
    const empty = await herald.admin.get('/v1/admin/notifications?recipientId=nobody');
    expect(empty.body).toEqual({ items: [], nextCursor: null });
  });

  it('stays stable while notifications are inserted between and during page reads', async () => {
    const before: string[] = [];
    for (let i = 0; i < 20; i++) before.push((await send('pager-2')).id);

    const inserted: string[] = [];
    // Two inserts between pages, and a burst running alongside the whole traversal.
    const burst = (async () => {
      for (let i = 0; i < 15; i++) inserted.push((await send('pager-2')).id);
    })();
    const { pages, ids } = await allPages('/v1/admin/notifications?recipientId=pager-2&limit=3', async () => {
      inserted.push((await send('pager-2')).id, (await send('pager-2')).id);
    });
    await burst;

    expect(new Set(ids).size).toBe(ids.length);
    expectNewestFirst(pages.flat());
    // Every notification that existed before the first page is there exactly once, in order.
    expect(ids.filter((id) => before.includes(id))).toEqual([...before].reverse());
    // Later ones sort above the cursor: they can only show on the first page, never shift later ones.
    const late = ids.filter((id) => !before.includes(id));
    expect(late.every((id) => inserted.includes(id))).toBe(true);
    expect(late.every((id) => pages[0].some((item) => item.id === id))).toBe(true);
    expect(inserted.length).toBeGreaterThanOrEqual(15);

    // A fresh traversal sees everything.
    const again = await allPages('/v1/admin/notifications?recipientId=pager-2&limit=7');
    expect(new Set(again.ids)).toEqual(new Set([...before, ...inserted]));
    expect(again.ids).toHaveLength(before.length + inserted.length);
  });

  it('pages the deliveries the same way', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const sent = await herald.admin.post<AcceptedNotification>(
        '/v1/notifications',
        aNotification({ ...emailAndSms, to: { email: 'pager-3@example.com' }, channels: ['email', 'sms'] }),
      );
      created.push(...sent.body.deliveries.map((delivery) => delivery.id));
    }
    // Deliveries of one notification are minted in one millisecond or two: order by id, whatever it is.
    const ids = (await allPages('/v1/admin/deliveries?limit=4')).ids;
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect(ids.filter((id) => created.includes(id))).toEqual([...created].sort().reverse());
  });
});

describe('filters and items', () => {
  it('lists notifications as GET /v1/notifications/{id} shows them, without attempt logs or rendered content', async () => {
    const sent = await herald.admin.post<AcceptedNotification>(
      '/v1/notifications',
      aNotification({
        ...emailAndSms,
        to: { recipientId: 'shape', email: 'shape@example.com' },
        data: { orderId: 'A-1' },
        priority: 'high',
      }),
    );
    const [item] = (await herald.admin.get<Page<NotificationHistoryItem>>('/v1/admin/notifications?recipientId=shape'))
      .body.items;
    const full = await readNotification(herald.admin, sent.body.id);
    expect(full.deliveries[0].content).toBeTruthy();
    const { deliveries, ...notification } = full;
    expect(item).toEqual({
      ...notification,
      // Each delivery without its attempt log and rendered content.
      deliveries: deliveries.map((delivery) =>
        Object.fromEntries(Object.entries(delivery).filter(([field]) => field !== 'attempts' && field !== 'content')),
      ),
    });
    expect(item.deliveries).toMatchObject([
      { channel: 'email', status: 'queued', attemptCount: 0 },
      { channel: 'sms', status: 'skipped', reason: 'no_address' },
    ]);
  });

  it('filters notifications by template, status, channel and time window', async () => {
    await herald.admin.put('/v1/admin/templates/hist.filter', aTemplate({ name: 'H' }));
    const templated = [
      await send('filters', { content: undefined, template: 'hist.filter' }),
      await send('filters', { content: undefined, template: 'hist.filter' }),
    ];
    await sleep(5);
    const since = new Date();
    const inline = await send('filters');
    const webhook = await send('filters', {
      content: { email: { subject: 's', text: 't' }, webhook: { payload: { a: 1 } } },
      to: { recipientId: 'filters', email: 'f@example.com', webhookUrl: 'http://127.0.0.1:9/hook' },
    });
    await sleep(5);
    const until = new Date();
    const later = await send('filters', { sendAt: new Date(Date.now() + 3_600_000).toISOString() });
    await herald.admin.post<NotificationView>(`/v1/notifications/${later.id}/cancel`);

    const ids = async (query: string) =>
      (
        await herald.admin.get<Page<NotificationHistoryItem>>(`/v1/admin/notifications?recipientId=filters&${query}`)
      ).body.items.map((item) => item.id);
    expect(await ids('template=hist.filter')).toEqual([templated[1].id, templated[0].id]);
    expect(await ids('template=hist.filter&status=accepted')).toEqual([templated[1].id, templated[0].id]);
    expect(await ids('status=cancelled')).toEqual([later.id]);
    expect(await ids('channel=webhook')).toEqual([webhook.id]);
    expect(await ids('channel=sms')).toEqual([]);
    expect(await ids(`since=${since.toISOString()}&until=${until.toISOString()}`)).toEqual([webhook.id, inline.id]);
    expect(await ids(`since=${since.toISOString()}`)).toEqual([later.id, webhook.id, inline.id]);
    expect(await ids(`until=${since.toISOString()}`)).toEqual([templated[1].id, templated[0].id]);
    // A zone other than Z names the same instant.
    const offset = new Date(since.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    expect(await ids(`since=${encodeURIComponent(offset)}&status=accepted`)).toEqual([webhook.id, inline.id]);
  });

  it('filters deliveries by status and channel, each with its notification id', async () => {
    const sent = (
      await herald.admin.post<AcceptedNotification>('/v1/notifications', {
        content: { email: { subject: 's', text: 't' }, webhook: { payload: { a: 1 } } },
        to: { email: 'dfilter@example.com', webhookUrl: 'http://127.0.0.1:9/hook' },
        sendAt: new Date(Date.now() + 3_600_000).toISOString(),
      })
    ).body;
    const [email, webhook] = sent.deliveries;
    await herald.admin.post<NotificationView>(`/v1/notifications/${sent.id}/cancel`);
    const since = sent.createdAt.slice(0, 10);

    const cancelledWebhooks = (
      await herald.admin.get<Page<DeliveryHistoryItem>>(
        `/v1/admin/deliveries?status=cancelled&channel=webhook&since=${since}`,
      )
    ).body;
    expect(cancelledWebhooks.items.map((item) => item.id)).toContain(webhook.id);
    expect(cancelledWebhooks.items.every((item) => item.status === 'cancelled' && item.channel === 'webhook')).toBe(
      true,
    );
    const [item] = (
      await herald.admin.get<Page<DeliveryHistoryItem>>('/v1/admin/deliveries?status=cancelled&channel=email&limit=1')
    ).body.items;
    expect(item).toEqual({
      id: email.id,
      notificationId: sent.id,
      channel: 'email',
      status: 'cancelled',
      reason: null,
      error: null,
      captured: false,
      providerMessageId: null,
      provider: null,
      attemptCount: 0,
      nextAttemptAt: null,
      createdAt: is.any(String),
      updatedAt: is.any(String),
    });
  });
});

describe('cancel', () => {
  it('cancels a scheduled notification and answers it; a second cancel changes nothing', async () => {
    const sent = await send('cancel-1', { sendAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(sent.status).toBe('scheduled');
    const cancelled = await herald.admin.post<NotificationView>(`/v1/notifications/${sent.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      id: sent.id,
      status: 'cancelled',
      deliveries: [{ status: 'cancelled', attempts: [] }],
    });
    expect(cancelled.body).toEqual(await readNotification(herald.admin, sent.id));
    const { rows } = await herald.pg.query(
      'SELECT status, next_attempt_at FROM deliveries WHERE notification_id = $1',
      [sent.id],
    );
    expect(rows).toEqual([{ status: 'cancelled', next_attempt_at: null }]);

    const again = await herald.admin.post<NotificationView>(`/v1/notifications/${sent.id}/cancel`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(cancelled.body);
  });

  it('leaves sent and sending deliveries alone and derives the status from all of them', async () => {
    const body = aNotification({
      content: { email: { subject: 's', text: 't' }, webhook: { payload: { a: 1 } } },
      to: { email: 'mixed@example.com', webhookUrl: 'http://127.0.0.1:9/hook' },
    });
    const done = (await herald.admin.post<AcceptedNotification>('/v1/notifications', body)).body;
    await herald.pg.query(`UPDATE deliveries SET status = 'sent' WHERE id = $1`, [done.deliveries[0].id]);
    const afterSent = await herald.admin.post<NotificationView>(`/v1/notifications/${done.id}/cancel`);
    expect(afterSent.body.deliveries.map((d) => d.status)).toEqual(['sent', 'cancelled']);
    expect(afterSent.body.status).toBe('completed');

    const running = (await herald.admin.post<AcceptedNotification>('/v1/notifications', body)).body;
    await herald.pg.query(`UPDATE deliveries SET status = 'sending' WHERE id = $1`, [running.deliveries[1].id]);
    const whileSending = await herald.admin.post<NotificationView>(`/v1/notifications/${running.id}/cancel`);
    expect(whileSending.body.deliveries.map((d) => d.status)).toEqual(['cancelled', 'sending']);
    expect(whileSending.body.status).toBe('processing');

    const skipped = await herald.admin.post<AcceptedNotification>('/v1/notifications', {
      ...body,
      to: { email: 'skip@example.com' },
      channels: ['email', 'webhook'],
    });
    const withSkipped = await herald.admin.post<NotificationView>(`/v1/notifications/${skipped.body.id}/cancel`);
    expect(withSkipped.body.deliveries.map((d) => d.status)).toEqual(['cancelled', 'skipped']);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    expectProblem(await herald.admin.post('/v1/notifications/01900000-0000-7000-8000-000000000000/cancel'), 404);
    expectProblem(await herald.admin.post('/v1/notifications/nope/cancel'), 404);
  });
});

describe('retry', () => {
  it('puts a failed delivery back to queued, in its queue, keeping its attempts', async () => {
    const sent = await send('retry-1');
    const deliveryId = sent.deliveries[0].id;
    const queue = herald.app.get(DeliveryQueue).queue('email');
    // As a worker leaves it after a permanent error: row failed, attempt logged, job gone.
    await (await queue.getJob(deliveryId))?.remove();
    await herald.pg.query(
      `UPDATE deliveries SET status = 'failed', error = '550 mailbox unavailable', attempts = 1 WHERE id = $1`,
      [deliveryId],
    );
    await herald.pg.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, error)
       VALUES ($1, 1, now(), now(), 'permanent_error', '550 mailbox unavailable')`,
      [deliveryId],
    );
    await herald.pg.query(`UPDATE notifications SET status = 'failed' WHERE id = $1`, [sent.id]);
    expect(await queue.getJobState(deliveryId)).toBe('unknown');

    const retried = await herald.admin.post<DeliveryHistoryItem>(`/v1/admin/deliveries/${deliveryId}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({
      id: deliveryId,
      notificationId: sent.id,
      status: 'queued',
      error: null,
      attemptCount: 1,
    });
    // The job of the next attempt, the second (the failed attempt's job was the delivery id alone).
    expect(['waiting', 'prioritized']).toContain(await queue.getJobState(deliveryJobId(deliveryId, 1)));

    const notification = await readNotification(herald.admin, sent.id);
    expect(notification.status).toBe('processing');
    expect(notification.deliveries[0]).toMatchObject({ status: 'queued', error: null, attemptCount: 1 });
    expect(notification.deliveries[0].attempts).toMatchObject([
      { attempt: 1, outcome: 'permanent_error', error: '550 mailbox unavailable' },
    ]);
  });

  it('answers at once while the job of the failed attempt is still active, and the retry still runs', async () => {
    const sent = await herald.admin.post<AcceptedNotification>('/v1/notifications', {
      content: { in_app: { title: 't', body: 'b' } },
      to: { recipientId: 'leftover', email: 'leftover@example.com' },
    });
    const deliveryId = sent.body.deliveries[0].id;
    // A stand-in worker: its first run fails the row and then lingers, as a real job does between
    // recording the outcome and leaving the queue; later runs only count.
    let runs = 0;
    let release!: () => void;
    const lingering = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const failedRow = new Promise<void>((resolve) => (started = resolve));
    const worker = herald.app.get(QueueBackend).createWorker<{ deliveryId: string }>(
      deliveryQueueName('in_app'),
      async (job) => {
        if (job.data.deliveryId !== deliveryId || ++runs > 1) return;
        await herald.pg.query(`UPDATE deliveries SET status = 'failed', error = 'gone', attempts = 1 WHERE id = $1`, [
          deliveryId,
        ]);
        started();
        await lingering;
      },
      { concurrency: 1 },
    );
    try {
      await failedRow;
      // No waiting on the queue: the answer comes while the failed attempt's job is still running.
      const retry = await herald.admin.post(`/v1/admin/deliveries/${deliveryId}/retry`);
      expect(retry.body).toMatchObject({ status: 'queued' });
      expect(await herald.app.get(DeliveryQueue).queue('in_app').getJobState(deliveryId)).toBe('active');
      release();
      await eventually(() => runs === 2, { what: 'the requeued job to reach a worker' });
    } finally {
      release();
      await worker.close();
    }
  });

  it('refuses a delivery that is not failed with 409, and an unknown one with 404', async () => {
    const sent = await send('retry-2');
    const conflict = await herald.admin.post(`/v1/admin/deliveries/${sent.deliveries[0].id}/retry`);
    expectProblem(conflict, 409);
    expect(conflict.body.type).toMatch(/\/delivery-not-retryable$/);
    expect(conflict.body.detail).toMatch(/is queued/);
    expectProblem(await herald.admin.post('/v1/admin/deliveries/01900000-0000-7000-8000-000000000000/retry'), 404);
    expectProblem(await herald.admin.post('/v1/admin/deliveries/nope/retry'), 404);
  });
});

describe('stats', () => {
  it('counts notifications by status, deliveries by channel and status, and the queues', async () => {
    const { body, status } = await herald.admin.get<HistoryStats>('/v1/admin/stats');
    expect(status).toBe(200);
    const notifications = await herald.pg.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM notifications GROUP BY status',
    );
    const expectedNotifications = {
      accepted: 0,
      scheduled: 0,
      processing: 0,
      completed: 0,
      partially_failed: 0,
      failed: 0,
      cancelled: 0,
    } as Record<string, number>;
    for (const row of notifications.rows) expectedNotifications[row.status] = row.n;
    expect(body.notifications).toEqual(expectedNotifications);

    const deliveries = await herald.pg.query<{ channel: Channel; status: DeliveryStatus; n: number }>(
      'SELECT channel, status, count(*)::int AS n FROM deliveries GROUP BY channel, status',
    );
    expect(Object.keys(body.deliveries).sort()).toEqual(['email', 'in_app', 'push', 'sms', 'webhook']);
    for (const byStatus of Object.values(body.deliveries)) {
      expect(Object.keys(byStatus)).toHaveLength(8);
    }
    for (const row of deliveries.rows) expect(body.deliveries[row.channel][row.status]).toBe(row.n);
    expect(body.deliveries.email.cancelled).toBeGreaterThan(0);

    expect(body.queues).not.toBeNull();
    const queues = body.queues!;
    // The channel queues by channel, the orchestration queues (API.md §9) by name.
    expect(Object.keys(queues).sort()).toEqual([
      'broadcast',
      'digest-close',
      'email',
      'in_app',
      'push',
      'sms',
      'webhook',
    ]);
    for (const counts of Object.values(queues)) {
      expect(counts).toEqual({ waiting: is.any(Number), active: 0, delayed: is.any(Number), failed: 0 });
    }
    // No worker runs here: every email job accepted above is still waiting (or delayed, for the scheduled ones).
    const queued = await countRows(herald.pg, `deliveries WHERE channel = 'email' AND status = 'queued'`);
    expect(queues.email.waiting).toBeGreaterThanOrEqual(queued);
    expect(queues.email.delayed).toBeGreaterThan(0);
  });

  it('documents the history endpoints in the OpenAPI document', async () => {
    const doc = (await new ApiClient(herald.baseUrl).get<OpenApiDocument>('/docs-json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      is.arrayContaining([
        '/v1/admin/notifications',
        '/v1/admin/deliveries',
        '/v1/admin/deliveries/{id}/retry',
        '/v1/admin/stats',
        '/v1/notifications/{id}/cancel',
      ]),
    );
  });
});
