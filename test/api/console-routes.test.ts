/**
 * What the web console needs from the API beyond API.md: who a key is (`GET /v1/me`), deliveries per minute for
 * its chart, an unsaved template's preview, a recipient's push subscriptions; and /admin serving the console's
 * build (npm test builds it first) under the same strict headers as every answer.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientWithScopes, expectProblem, problemOf, problemPaths } from '../support/api-client';
import { aTemplate } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { eventually } from '../support/eventually';

const herald = useHerald();

interface Timeline {
  since: string;
  until: string;
  minutes: { at: string; counts: Record<string, number> }[];
}

describe('GET /v1/me', () => {
  it("answers the caller's key, with its scopes, to a key of any scope, and 401 once it is revoked", async () => {
    const me = await herald.admin.get('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: 'env:ADMIN_API_KEY', name: 'ADMIN_API_KEY', scopes: ['admin'] });

    const created = await herald.admin.post<{ id: string; key: string }>('/v1/admin/api-keys', {
      name: 'sender and reader',
      scopes: ['send', 'read'],
    });
    const client = herald.admin.withKey(created.body.key);
    expect((await client.get('/v1/me')).body).toEqual({
      id: created.body.id,
      name: 'sender and reader',
      scopes: ['send', 'read'],
    });
    expect((await herald.admin.delete(`/v1/admin/api-keys/${created.body.id}`)).status).toBe(204);
    expectProblem(await client.get('/v1/me'), 401);
    expectProblem(await herald.admin.withKey('hk_unknown').get('/v1/me'), 401);
  });
});

describe('GET /v1/admin/stats/deliveries-per-minute', () => {
  it('counts the deliveries created in each minute by their status now, every minute present', async () => {
    const before = await herald.admin.get<Timeline>('/v1/admin/stats/deliveries-per-minute?minutes=5');
    const sent = await herald.admin.post<{ id: string }>('/v1/notifications', {
      content: { email: { subject: 'Hi', text: 'Hi' }, sms: { text: 'Hi' } },
      to: { email: 'ada@example.com' },
    });
    expect(sent.status).toBe(202);
    await eventually(
      async () =>
        (await herald.admin.get<{ status: string }>(`/v1/notifications/${sent.body.id}`)).body.status === 'completed',
      { what: 'the notification completed' },
    );
    const { status, body } = await herald.admin.get<Timeline>('/v1/admin/stats/deliveries-per-minute?minutes=5');
    expect(status).toBe(200);
    expect(body.minutes).toHaveLength(5);
    // Oldest first, one minute apart, the last one holding now.
    const starts = body.minutes.map((minute) => Date.parse(minute.at));
    expect(starts.slice(1).map((start, index) => start - starts[index])).toEqual([60_000, 60_000, 60_000, 60_000]);
    expect(Date.parse(body.until) - starts[4]).toBe(60_000);
    expect(Date.parse(body.until)).toBeGreaterThan(Date.now() - 1_000);
    const total = (timeline: Timeline, state: string) =>
      timeline.minutes.reduce((sum, minute) => sum + minute.counts[state], 0);
    // The email captured (sent), the sms without an address (skipped); more than before by exactly those.
    expect(total(body, 'sent') - total(before.body, 'sent')).toBe(1);
    expect(total(body, 'skipped') - total(before.body, 'skipped')).toBe(1);
    expect(Object.keys(body.minutes[0].counts).sort()).toEqual([
      'cancelled',
      'delivered',
      'failed',
      'queued',
      'scheduled',
      'sending',
      'sent',
      'skipped',
    ]);
  });

  it('takes 1 to 1440 minutes, 60 by default, and refuses anything else with 422', async () => {
    expect((await herald.admin.get<Timeline>('/v1/admin/stats/deliveries-per-minute')).body.minutes).toHaveLength(60);
    for (const minutes of ['0', '1441', '1.5', 'x']) {
      const refused = await herald.admin.get(`/v1/admin/stats/deliveries-per-minute?minutes=${minutes}`);
      expect(problemPaths(problemOf(refused, 422))).toEqual(['minutes']);
    }
  });
});

describe('POST /v1/admin/template-preview', () => {
  it('renders an unsaved template body in a locale, and saves nothing', async () => {
    const key = `draft-${randomUUID()}`;
    const { status, body } = await herald.admin.post('/v1/admin/template-preview', {
      template: aTemplate({
        name: key,
        channels: { email: { subject: 'Hi {{name}}', text: 'Text {{name}}' } },
        locales: { fr: { email: { subject: 'Salut {{name}}' } } },
      }),
      data: { name: '<Ada>' },
      locale: 'fr',
    });
    expect(status).toBe(200);
    expect(body).toEqual({ email: { subject: 'Salut <Ada>', text: 'Text <Ada>' } });
    const listed = await herald.admin.get<{ items: { name: string }[] }>('/v1/admin/templates');
    expect(listed.body.items.map((template) => template.name)).not.toContain(key);
  });

  it('refuses what a PUT would refuse: no channel, a template that does not compile', async () => {
    const empty = await herald.admin.post('/v1/admin/template-preview', { template: { name: 'x', channels: {} } });
    expect(problemPaths(problemOf(empty, 422))).toEqual(['template.channels']);
    const broken = await herald.admin.post('/v1/admin/template-preview', {
      template: aTemplate({ channels: { email: { subject: '{{#if x}}', text: 't' } } }),
    });
    expect(problemPaths(problemOf(broken, 422))).toEqual(['template.channels.email.subject']);
    expectProblem(await herald.admin.post('/v1/admin/template-preview', {}), 422);
  });
});

describe('GET /v1/recipients/{id}/push-subscriptions', () => {
  it("lists the recipient's subscriptions to a read key, and 404 for an unknown recipient", async () => {
    await herald.admin.put('/v1/recipients/console-push', {});
    const added = await herald.admin.post<{ id: string }>('/v1/recipients/console-push/push-subscriptions', {
      type: 'fcm',
      token: 'device-token-1',
    });
    expect(added.status).toBe(201);
    const reader = await clientWithScopes(herald.admin, 'read');
    const { status, body } = await reader.get('/v1/recipients/console-push/push-subscriptions');
    expect(status).toBe(200);
    expect(body).toEqual({
      items: [expect.objectContaining({ id: added.body.id, type: 'fcm', token: 'device-token-1' })],
      nextCursor: null,
    });
    expectProblem(await reader.get('/v1/recipients/nobody-here/push-subscriptions'), 404);
  });
});

describe('/admin', () => {
  const anonymous = () => herald.admin.withKey(undefined);

  it('serves the console page with no key, under the strict CSP: no inline script, its assets served', async () => {
    const page = await anonymous().get<string>('/admin');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/default-src 'self'/);
    const scripts = [...page.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    for (const [, , inline] of scripts) expect(inline.trim()).toBe('');
    const assets = [...page.body.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)].map((found) => found[1]);
    expect(assets.length).toBe(2);
    for (const asset of assets) {
      const file = await anonymous().get<string>(asset);
      expect(file.status, asset).toBe(200);
      expect(file.headers.get('content-type')).toMatch(/javascript|css/);
      expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
  });

  it('answers the page for client routes (a reload), 404 for a missing asset, and leaves /admin/queues to the dashboard', async () => {
    const index = (await anonymous().get<string>('/admin')).body;
    for (const path of ['/admin/', '/admin/templates/order.shipped', '/admin/notifications/x?y=1']) {
      const page = await anonymous().get<string>(path);
      expect(page.status, path).toBe(200);
      expect(page.body, path).toBe(index);
    }
    expectProblem(await anonymous().get('/admin/assets/missing.js'), 404);
    // The queue dashboard's, behind its own sign-in (test/api/queue-dashboard.test.ts), never the console's page.
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/anything']) {
      expectProblem(await anonymous().get(path), 401);
    }
    // API routes are untouched by the console's fallback.
    expectProblem(await anonymous().get('/v1/admin/templates'), 401);
  });
});
