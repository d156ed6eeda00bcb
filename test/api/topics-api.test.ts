import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BroadcastView, TopicSubscriber, TopicView } from '@herald/notifications';
import { clientWithScopes, expectProblem, problemOf, problemPaths } from '../support/api-client';
import type { Page } from '../support/api-types';
import { aTemplate } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { is } from '../support/matchers';
import { countRows } from '../support/sql';

// The api alone: sends to a topic are accepted and stay `fanning_out` (no worker here fans them out).
const herald = useHerald({ apps: ['api'] });

const count = (from: string, params: unknown[] = []) => countRows(herald.pg, from, params);

async function recipients(...ids: string[]): Promise<void> {
  for (const id of ids)
    expect((await herald.admin.put(`/v1/recipients/${id}`, { email: `${id}@example.com` })).status).toBe(201);
}

describe('topics', () => {
  it('creates a topic (201), renames it (200) and reads it', async () => {
    const created = await herald.admin.put<TopicView>('/v1/topics/project.42', { name: 'Project 42' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ key: 'project.42', name: 'Project 42', subscriberCount: 0 });
    const renamed = await herald.admin.put<TopicView>('/v1/topics/project.42', { name: 'Project forty-two' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ key: 'project.42', name: 'Project forty-two', subscriberCount: 0 });
    expect((await herald.admin.get<TopicView>('/v1/topics/project.42')).body.name).toBe('Project forty-two');
    expectProblem(await herald.admin.get('/v1/topics/no-such-topic'), 404);
  });

  it('refuses bad keys, names and ids with 422', async () => {
    for (const key of ['-starts-with-dash', 'has%20space', 'x'.repeat(129), 'emoji%F0%9F%98%80']) {
      expect(problemPaths(problemOf(await herald.admin.put(`/v1/topics/${key}`, { name: 'n' }), 422))).toContain('key');
    }
    expect(problemPaths(problemOf(await herald.admin.put('/v1/topics/ok', {}), 422))).toContain('name');
    expect(problemPaths(problemOf(await herald.admin.put('/v1/topics/ok', { name: '' }), 422))).toContain('name');
    expect(problemPaths(problemOf(await herald.admin.put('/v1/topics/ok', { name: 'n', extra: 1 }), 422))).toContain(
      'extra',
    );
    await herald.admin.put('/v1/topics/ok', { name: 'ok' });
    const subscribers = (body: unknown) => herald.admin.put('/v1/topics/ok/subscribers', body);
    expect(problemPaths(problemOf(await subscribers({ recipientIds: [] }), 422))).toContain('recipientIds');
    expect(problemPaths(problemOf(await subscribers({ recipientIds: 'a' }), 422))).toContain('recipientIds');
    expect(problemPaths(problemOf(await subscribers({ recipientIds: [42] }), 422))).toContain('recipientIds');
    expect(problemPaths(problemOf(await subscribers({ recipientIds: ['bad id'] }), 422))).toContain('recipientIds');
    const tooMany = Array.from({ length: 1001 }, (_, i) => `r${i}`);
    expect(problemPaths(problemOf(await subscribers({ recipientIds: tooMany }), 422))).toContain('recipientIds');
    expectProblem(await herald.admin.get('/v1/topics/ok/subscribers?limit=0'), 422);
    expectProblem(await herald.admin.get('/v1/topics/ok/subscribers?limit=1001'), 422);
    expectProblem(await herald.admin.get('/v1/topics/ok/subscribers?cursor=%20'), 422);
    expectProblem(await herald.admin.delete('/v1/topics/ok/subscribers/bad%20id'), 422);
  });

  it('adds stored recipients idempotently, all or nothing, and lists them by cursor', async () => {
    await recipients('ann', 'bob', 'cy');
    await herald.admin.put('/v1/topics/team', { name: 'Team' });

    const unknown = problemOf(
      await herald.admin.put('/v1/topics/team/subscribers', { recipientIds: ['ann', 'ghost', 'bob', 'phantom'] }),
      422,
    );
    expect(unknown.errors).toEqual([
      { path: 'recipientIds[1]', message: 'recipient "ghost" does not exist' },
      { path: 'recipientIds[3]', message: 'recipient "phantom" does not exist' },
    ]);
    expect(await count(`topic_subscribers WHERE topic_key = 'team'`)).toBe(0);

    const added = await herald.admin.put('/v1/topics/team/subscribers', { recipientIds: ['ann', 'bob', 'ann'] });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ added: 2 });
    expect((await herald.admin.put('/v1/topics/team/subscribers', { recipientIds: ['bob', 'cy'] })).body).toEqual({
      added: 1,
    });
    expect((await herald.admin.get<TopicView>('/v1/topics/team')).body.subscriberCount).toBe(3);

    const first = await herald.admin.get<Page<TopicSubscriber>>('/v1/topics/team/subscribers?limit=2');
    expect(first.body).toEqual({ items: [{ recipientId: 'ann' }, { recipientId: 'bob' }], nextCursor: 'bob' });
    const second = await herald.admin.get<Page<TopicSubscriber>>('/v1/topics/team/subscribers?limit=2&cursor=bob');
    expect(second.body).toEqual({ items: [{ recipientId: 'cy' }], nextCursor: null });

    expectProblem(await herald.admin.put('/v1/topics/nothing/subscribers', { recipientIds: ['ann'] }), 404);
    expectProblem(await herald.admin.get('/v1/topics/nothing/subscribers'), 404);
    expectProblem(await herald.admin.delete('/v1/topics/nothing/subscribers/ann'), 404);
  });

  it('unsubscribes (204, also when not subscribed), and erasing a recipient removes its subscriptions', async () => {
    await recipients('dee', 'eve');
    await herald.admin.put('/v1/topics/club', { name: 'Club' });
    await herald.admin.put('/v1/topics/club/subscribers', { recipientIds: ['dee', 'eve'] });

    expect((await herald.admin.delete('/v1/topics/club/subscribers/dee')).status).toBe(204);
    expect((await herald.admin.delete('/v1/topics/club/subscribers/dee')).status).toBe(204);
    expect((await herald.admin.delete('/v1/recipients/eve')).status).toBe(204);
    expect((await herald.admin.get<TopicView>('/v1/topics/club')).body.subscriberCount).toBe(0);
    expect(await count(`topic_subscribers WHERE recipient_id IN ('dee', 'eve')`)).toBe(0);
  });

  it('lists topics in key order with their subscriber counts, a page at a time', async () => {
    await recipients('lia', 'max', 'ned');
    // Its own key prefix, so topics other tests made sort before or after these and never between them.
    for (const key of ['list.c', 'list.a', 'list.b', 'list.d'])
      await herald.admin.put(`/v1/topics/${key}`, { name: `Name ${key}` });
    await herald.admin.put('/v1/topics/list.a/subscribers', { recipientIds: ['lia', 'max'] });
    await herald.admin.put('/v1/topics/list.c/subscribers', { recipientIds: ['lia', 'max', 'ned'] });

    const listed: TopicView[] = [];
    let cursor: string | null = 'list';
    for (let pages = 0; cursor !== null; pages += 1) {
      expect(pages).toBeLessThan(100);
      const page: { status: number; body: Page<TopicView> } = await herald.admin.get<Page<TopicView>>(
        `/v1/topics?limit=3&cursor=${cursor}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      if (page.body.nextCursor !== null) expect(page.body.nextCursor).toBe(page.body.items.at(-1)?.key);
      listed.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect(listed.filter((topic) => topic.key.startsWith('list.'))).toEqual([
      { key: 'list.a', name: 'Name list.a', subscriberCount: 2 },
      { key: 'list.b', name: 'Name list.b', subscriberCount: 0 },
      { key: 'list.c', name: 'Name list.c', subscriberCount: 3 },
      { key: 'list.d', name: 'Name list.d', subscriberCount: 0 },
    ]);
    expect(new Set(listed.map((topic) => topic.key)).size).toBe(listed.length);
    // Each item is what GET /v1/topics/{key} answers.
    expect(listed.find((topic) => topic.key === 'list.c')).toEqual(
      (await herald.admin.get<TopicView>('/v1/topics/list.c')).body,
    );

    const two = await herald.admin.get<Page<TopicView>>('/v1/topics?limit=2&cursor=list.');
    expect(two.body).toEqual({
      items: [
        { key: 'list.a', name: 'Name list.a', subscriberCount: 2 },
        { key: 'list.b', name: 'Name list.b', subscriberCount: 0 },
      ],
      nextCursor: 'list.b',
    });
    const rest = await herald.admin.get<Page<TopicView>>('/v1/topics?limit=2&cursor=list.b');
    expect(rest.body.items.map((topic) => topic.key)).toEqual(['list.c', 'list.d']);
    const last = await herald.admin.get<Page<TopicView>>('/v1/topics?cursor=zzzz');
    expect(last.body).toEqual({ items: [], nextCursor: null });
    const all = await herald.admin.get<Page<TopicView>>('/v1/topics');
    expect(all.body.items.map((topic) => topic.key)).toEqual(expect.arrayContaining(['list.a', 'list.d']));
  });

  it('refuses a bad limit or cursor on the topic list with 422', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=1.5', 'limit=x', 'limit=', 'cursor=', 'cursor=%20']) {
      expectProblem(await herald.admin.get(`/v1/topics?${query}`), 422);
    }
    for (const cursor of ['-dash', 'has%20space', 'x'.repeat(129), '%F0%9F%98%80', 'a&cursor=b']) {
      expectProblem(await herald.admin.get(`/v1/topics?cursor=${cursor}`), 422);
    }
    expectProblem(await herald.admin.get('/v1/topics?limit=1&limit=2'), 422);
  });

  it('is managed with scope recipients and read with read', async () => {
    const recipientsKey = await clientWithScopes(herald.admin, 'recipients');
    const readKey = await clientWithScopes(herald.admin, 'read');
    const sendKey = await clientWithScopes(herald.admin, 'send');
    expect((await recipientsKey.put('/v1/topics/scoped', { name: 'Scoped' })).status).toBe(201);
    expect((await readKey.get('/v1/topics/scoped')).status).toBe(200);
    expect((await readKey.get('/v1/topics')).status).toBe(200);
    expect((await recipientsKey.get('/v1/topics')).status).toBe(200);
    expectProblem(await sendKey.get('/v1/topics'), 403);
    expect((await readKey.get('/v1/topics/scoped/subscribers')).status).toBe(200);
    expectProblem(await readKey.put('/v1/topics/scoped', { name: 'No' }), 403);
    expectProblem(await sendKey.get('/v1/topics/scoped'), 403);
  });
});

describe('a send to a topic', () => {
  const send = (body: unknown, headers?: Record<string, string>) =>
    herald.admin.post<{ broadcastId: string; status: string }>('/v1/notifications', body, headers);

  it('answers 202 with a broadcast at once, stored with its total before the answer', async () => {
    await herald.admin.put('/v1/admin/templates/news', aTemplate());
    await recipients('fay', 'gus');
    await herald.admin.put('/v1/topics/news', { name: 'News' });
    await herald.admin.put('/v1/topics/news/subscribers', { recipientIds: ['fay', 'gus'] });

    const sent = await send({ template: 'news', to: { topic: 'news' }, data: { n: 1 } });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ broadcastId: is.any(String), status: 'accepted' });
    const broadcast = await herald.admin.get<BroadcastView>(`/v1/broadcasts/${sent.body.broadcastId}`);
    expect(broadcast.body).toMatchObject({
      id: sent.body.broadcastId,
      topic: 'news',
      status: 'fanning_out',
      total: 2,
      created: 0,
      skipped: 0,
    });
  });

  it('refuses an unknown topic, a missing template, content and other addresses with 422', async () => {
    await herald.admin.put('/v1/admin/templates/plain', aTemplate());
    await herald.admin.put('/v1/topics/plain', { name: 'Plain' });
    const before = await count('broadcasts');
    expect(problemPaths(problemOf(await send({ template: 'plain', to: { topic: 'ghost' } }), 422))).toEqual([
      'to.topic',
    ]);
    expect(problemPaths(problemOf(await send({ template: 'nope', to: { topic: 'plain' } }), 422))).toEqual([
      'template',
    ]);
    expect(problemPaths(problemOf(await send({ to: { topic: 'plain' } }), 422))).toContain('template');
    expect(
      problemPaths(problemOf(await send({ content: { sms: { text: 'x' } }, to: { topic: 'plain' } }), 422)),
    ).toContain('content');
    expect(
      problemPaths(problemOf(await send({ template: 'plain', to: { topic: 'plain', email: 'a@example.com' } }), 422)),
    ).toContain('to');
    expect(problemPaths(problemOf(await send({ template: 'plain', to: { topic: 'bad key!' } }), 422))).toContain(
      'to.topic',
    );
    expect(
      problemPaths(problemOf(await send({ template: 'plain', to: { topic: 'plain' }, channels: ['sms'] }), 422)),
    ).toContain('channels[0]');
    // A batch item cannot name a topic: each item is one notification.
    const batch = await herald.admin.post<{ items: { error?: { errors: { path: string }[] } }[] }>(
      '/v1/notifications/batch',
      { notifications: [{ template: 'plain', to: { topic: 'plain' } }] },
    );
    expect(batch.body.items[0].error?.errors.map((error) => error.path)).toContain('to.topic');
    expect(await count('broadcasts')).toBe(before);
  });

  it('replays the first answer for the same Idempotency-Key, and refuses it for another body', async () => {
    await herald.admin.put('/v1/admin/templates/once', aTemplate());
    await herald.admin.put('/v1/topics/once', { name: 'Once' });
    const key = randomUUID();
    const body = { template: 'once', to: { topic: 'once' } };
    const first = await send(body, { 'idempotency-key': key });
    const again = await send(body, { 'idempotency-key': key });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await count(`broadcasts WHERE topic_key = 'once'`)).toBe(1);
    expectProblem(await send({ ...body, data: { other: true } }, { 'idempotency-key': key }), 422);
  });

  it('is read by its own send key, by read and admin keys; another send key gets 404', async () => {
    await herald.admin.put('/v1/admin/templates/own', aTemplate());
    await herald.admin.put('/v1/topics/own', { name: 'Own' });
    const mine = await clientWithScopes(herald.admin, 'send');
    const other = await clientWithScopes(herald.admin, 'send');
    const reader = await clientWithScopes(herald.admin, 'read');
    const sent = await mine.post<{ broadcastId: string }>('/v1/notifications', {
      template: 'own',
      to: { topic: 'own' },
    });
    expect(sent.status).toBe(202);
    const path = `/v1/broadcasts/${sent.body.broadcastId}`;
    expect((await mine.get(path)).status).toBe(200);
    expect((await reader.get(path)).status).toBe(200);
    expectProblem(await other.get(path), 404);
    expectProblem(await herald.admin.get(`/v1/broadcasts/${randomUUID()}`), 404);
    expectProblem(await herald.admin.get('/v1/broadcasts/not-a-uuid'), 404);
  });
});

describe('a template throttle', () => {
  it('is validated when the template is saved', async () => {
    const put = (throttle: unknown) => herald.admin.put('/v1/admin/templates/throttled', { ...aTemplate(), throttle });
    for (const bad of [
      { limit: 0, window: 60 },
      { limit: 1001, window: 60 },
      { limit: 3 },
      { limit: 3, window: 0 },
      { limit: 3, window: 2_592_001 },
      { limit: 1.5, window: 60 },
      { limit: '3', window: 60 },
      { limit: 3, window: 60, key: '' },
      { limit: 3, window: 60, extra: true },
      'fast',
    ]) {
      expect(problemPaths(problemOf(await put(bad), 422)).some((path) => path.startsWith('throttle'))).toBe(true);
    }
    expect(problemPaths(problemOf(await put({ limit: 3, window: 60, key: '{{#if}}' }), 422))).toContain('throttle.key');
    const saved = await put({ limit: 3, window: 60, key: '{{projectId}}' });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ throttle: { limit: 3, window: 60, key: '{{projectId}}' } });
  });
});
