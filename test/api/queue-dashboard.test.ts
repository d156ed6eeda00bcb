import { describe, expect, it } from 'vitest';
import { clientWithScopes, expectProblem } from '../support/api-client';
import type { HistoryStats } from '../support/api-types';
import {
  anApiKey,
  anEmail,
  anOrderShippedTemplate,
  anSms,
  aRecipient,
  aTemplate,
  aTemplatedNotification,
} from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { sendNotification } from '../support/notifications';
import { scrapeWithQueues, value } from '../support/prometheus';
import { queueBackends } from '../support/queue-backends';
import { subscribedTopic } from '../support/topics';

interface BoardQueue {
  name: string;
  counts: Record<string, number>;
  readOnlyMode: boolean;
}

const HTML = { accept: 'text/html,application/xhtml+xml' };

/** The session cookie a Set-Cookie header carries, as a Cookie header value. */
function cookieOf(response: Response): string {
  const setCookie = response.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(
    /^herald_queue_dashboard=[^;]+; Path=\/admin\/queues; Max-Age=3600; HttpOnly; SameSite=Strict$/,
  );
  return setCookie.split(';')[0];
}

/** bull-board at /admin/queues, on each queue backend: an api alone, so the jobs wait in their queues. */
describe.each(queueBackends())('the queue dashboard on the $name queue backend', (backend) => {
  const herald = useHerald({ apps: ['api'], backend, skip: backend.skip });
  const url = (path: string) => `${herald.baseUrl}/admin/queues${path}`;

  it.skipIf(backend.skip)(
    'refuses callers without an admin key or session: a sign-in page to a browser, problems to scripts',
    async () => {
      const page = await fetch(url(''), { headers: HTML });
      expect(page.status).toBe(401);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<form method="post" action="/admin/queues/session">');

      expectProblem(await herald.admin.withKey(undefined).get('/admin/queues/api/queues'), 401);
      const sender = await clientWithScopes(herald.admin, 'send');
      expectProblem(await sender.get('/admin/queues/api/queues'), 403);
      expect(
        (await fetch(url('/api/queues'), { headers: { cookie: 'herald_queue_dashboard=hk_forged' } })).status,
      ).toBe(401);
      // Signing in takes an admin key, not another.
      expectProblem(await sender.post('/admin/queues/session'), 403);
    },
  );

  it.skipIf(backend.skip)(
    'signs a browser in from the form, then serves the page, its files and its API with the cookie',
    async () => {
      const wrong = await fetch(url('/session'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'key=hk_wrong',
        redirect: 'manual',
      });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('The API key is unknown or revoked.');
      expect(wrong.headers.get('set-cookie')).toBeNull();

      const signedIn = await fetch(url('/session'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key: herald.adminKey }).toString(),
        redirect: 'manual',
      });
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.get('location')).toBe('/admin/queues');
      const cookie = cookieOf(signedIn);

      const page = await fetch(url(''), { headers: { ...HTML, cookie } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<title>Herald queues</title>');
      const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const asset = await fetch(url(`/${script}`), { headers: { cookie } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
      // Its files too are behind the session.
      expect((await fetch(url(`/${script}`))).status).toBe(401);
      // The files bull-board loads are its own, and the page runs no inline script: the default CSP holds.
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(1);
      for (const tag of scripts) expect(tag).toMatch(/\bsrc="static\/|type="application\/json"/);
    },
  );

  it.skipIf(backend.skip)('lists every queue with its counts after sends, read-only', async () => {
    for (const body of [anEmail('a@example.com'), anEmail('b@example.com'), anSms('+14155550123')]) {
      expect((await sendNotification(herald.admin, body)).status).toBe(202);
    }
    // A script signs in with the Bearer header instead of the form.
    const session = await fetch(url('/session'), {
      method: 'POST',
      headers: { authorization: `Bearer ${herald.adminKey}` },
    });
    expect(session.status).toBe(204);
    const cookie = cookieOf(session);

    const answer = await fetch(url('/api/queues'), { headers: { cookie } });
    expect(answer.status).toBe(200);
    const { queues } = (await answer.json()) as { queues: BoardQueue[] };
    expect(queues.map((queue) => queue.name).sort()).toEqual([
      'broadcast',
      'deliver-email',
      'deliver-in-app',
      'deliver-push',
      'deliver-sms',
      'deliver-webhook',
      'digest-close',
    ]);
    const counts = (name: string) => {
      const { counts } = queues.find((queue) => queue.name === name)!;
      // Herald's jobs all have a priority, which BullMQ keeps apart from plain waiting ones.
      return (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    };
    expect(counts('deliver-email')).toBe(2);
    expect(counts('deliver-sms')).toBe(1);
    expect(counts('deliver-push')).toBe(0);
    expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);
    // Changing jobs is not offered: a retry is the admin API's, on the rows.
    const clean = await fetch(url('/api/queues/deliver-email/clean/waiting'), { method: 'PUT', headers: { cookie } });
    expect(clean.status).toBe(405);
  });

  it.skipIf(backend.skip)(
    'counts a broadcast and a digest close alike on the dashboard, in the admin stats and on /metrics',
    async () => {
      // Nothing fans the broadcast out nor closes the digest here: their jobs wait (the close for an hour).
      await subscribedTopic(herald, 'dashboard-topic', 2, (id) => `https://example.com/${id}`);
      await herald.admin.put('/v1/admin/templates/dashboard-digest', aTemplate({ digest: { window: 3600, key: 'k' } }));
      await herald.admin.put('/v1/recipients/dashboard-digest', aRecipient({ email: 'digest@example.com' }));
      await herald.admin.put('/v1/admin/templates/order-shipped', anOrderShippedTemplate());
      const sends = [
        { template: 'order-shipped', to: { topic: 'dashboard-topic' } },
        aTemplatedNotification('dashboard-digest', 'dashboard-digest'),
      ];
      for (const body of sends) expect((await herald.admin.post('/v1/notifications', body)).status).toBe(202);
      const expected = { broadcast: { waiting: 1, delayed: 0 }, 'digest-close': { waiting: 0, delayed: 1 } };

      const session = await fetch(url('/session'), {
        method: 'POST',
        headers: { authorization: `Bearer ${herald.adminKey}` },
      });
      const board = await fetch(url('/api/queues'), { headers: { cookie: cookieOf(session) } });
      const { queues } = (await board.json()) as { queues: BoardQueue[] };
      const onBoard = (name: string) => {
        const { counts } = queues.find((queue) => queue.name === name)!;
        return { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), delayed: counts.delayed ?? 0 };
      };
      expect({ broadcast: onBoard('broadcast'), 'digest-close': onBoard('digest-close') }).toEqual(expected);

      const stats = (await herald.admin.get<HistoryStats>('/v1/admin/stats')).body;
      expect(stats.queues).toMatchObject({
        broadcast: { ...expected.broadcast, active: 0, failed: 0 },
        'digest-close': { ...expected['digest-close'], active: 0, failed: 0 },
      });

      const families = await scrapeWithQueues(herald.baseUrl);
      const metric = (queue: string, state: string) => value(families, 'herald_queue_jobs', { queue, state });
      expect({
        broadcast: { waiting: metric('broadcast', 'waiting'), delayed: metric('broadcast', 'delayed') },
        'digest-close': { waiting: metric('digest-close', 'waiting'), delayed: metric('digest-close', 'delayed') },
      }).toEqual(expected);
      // The channel queues keep their `channel` label beside the new `queue` one.
      expect(value(families, 'herald_queue_jobs', { queue: 'deliver-email', channel: 'email', state: 'waiting' })).toBe(
        2,
      );
    },
  );

  it.skipIf(backend.skip)(
    "wins over the console's /admin wildcard, and keeps unknown paths under it behind sign-in, then a 404",
    async () => {
      const session = await fetch(url('/session'), {
        method: 'POST',
        headers: { authorization: `Bearer ${herald.adminKey}` },
      });
      const cookie = cookieOf(session);
      // bull-board's own client routes are its page, not the console's.
      const queuePage = await fetch(url('/queue/deliver-email'), { headers: { ...HTML, cookie } });
      expect(queuePage.status).toBe(200);
      expect(await queuePage.text()).toContain('<title>Herald queues</title>');
      // The rest of /admin/queues is the dashboard's too: behind its sign-in, then a 404, never the console's page.
      const signIn = await fetch(url('/no-such-page'), { headers: HTML });
      expect(signIn.status).toBe(401);
      expect(await signIn.text()).toContain('action="/admin/queues/session"');
      expectProblem(await herald.admin.get('/admin/queues/no-such-page'), 404);
    },
  );

  it.skipIf(backend.skip)('ends a session when its key is revoked', async () => {
    const created = await herald.admin.post<{ id: string; key: string }>('/v1/admin/api-keys', anApiKey(['admin']));
    const session = await fetch(url('/session'), {
      method: 'POST',
      headers: { authorization: `Bearer ${created.body.key}` },
    });
    const cookie = cookieOf(session);
    expect((await fetch(url('/api/queues'), { headers: { cookie } })).status).toBe(200);
    expect((await herald.admin.delete(`/v1/admin/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await fetch(url('/api/queues'), { headers: { cookie } })).status).toBe(401);
  });
});
