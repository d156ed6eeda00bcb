import { describe, expect, it } from 'vitest';
import { expectProblem, problemOf, problemPaths } from '../support/api-client';
import type { AcceptedNotification, BatchResponse, RecipientView, TemplateView } from '../support/api-types';
import { aNotification, aRecipient, aTemplate, anEmail, anOrderShippedTemplate } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { countRows } from '../support/sql';

const herald = useHerald({ apps: ['api'] });

const TABLES = ['templates', 'template_versions', 'recipients', 'notifications', 'deliveries', 'api_keys'];

/** Row counts of every table a request could write: a refused request leaves them as they were. */
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) counts[table] = await countRows(herald.pg, table);
  return counts;
}

/** `{"a":{"a":...1...}}`, `levels` objects deep, as JSON text (JSON.stringify of it would be the same). */
function nested(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{"a":1' + '}'.repeat(levels);
}

describe('template version numbers', () => {
  it('answers 422 naming n for a version that is not an integer from 1 to 2147483647, and changes nothing', async () => {
    await herald.admin.put('/v1/admin/templates/limits.version', anOrderShippedTemplate());
    await herald.admin.put('/v1/admin/templates/limits.version', anOrderShippedTemplate({ name: 'Order shipped, v2' }));
    const before = await rowCounts();
    for (const n of ['99999999999999999999', '2147483648', '-1', '0', '1.5', '1e3', '0x10', '%201', 'x', '1%00']) {
      const response = await herald.admin.post(`/v1/admin/templates/limits.version/versions/${n}/activate`);
      expect(problemPaths(problemOf(response, 422)), n).toEqual(['n']);
    }
    expect((await herald.admin.get<TemplateView>('/v1/admin/templates/limits.version')).body.version).toBe(2);
    expect(await rowCounts()).toEqual(before);

    // In range but not there: 404; in range and there: activated.
    expectProblem(await herald.admin.post('/v1/admin/templates/limits.version/versions/2147483647/activate'), 404);
    const activated = await herald.admin.post<TemplateView>('/v1/admin/templates/limits.version/versions/1/activate');
    expect(activated.status).toBe(200);
    expect(activated.body.version).toBe(1);
  });

  it('refuses a preview version of the wrong JSON type or out of range with 422; null or digits are read', async () => {
    await herald.admin.put('/v1/admin/templates/limits.preview', aTemplate({ channels: { sms: { text: 'v1' } } }));
    await herald.admin.put('/v1/admin/templates/limits.preview', aTemplate({ channels: { sms: { text: 'v2' } } }));
    for (const version of ['x', '', {}, [], [1], 1.5, 1e20, 2147483648, -1, 0, true, 'x'.repeat(10_000)]) {
      const response = await herald.admin.post('/v1/admin/templates/limits.preview/preview', { version });
      expect(problemPaths(problemOf(response, 422)), JSON.stringify(version).slice(0, 20)).toEqual(['version']);
    }
    const active = await herald.admin.post('/v1/admin/templates/limits.preview/preview', { version: null });
    expect(active.body).toEqual({ sms: { text: 'v2' } });
    const first = await herald.admin.post('/v1/admin/templates/limits.preview/preview', { version: '1' });
    expect(first.body).toEqual({ sms: { text: 'v1' } });
  });
});

describe('text PostgreSQL cannot store', () => {
  it('refuses NUL characters and unpaired surrogates in any field or key with 422 by path, and stores nothing', async () => {
    const before = await rowCounts();
    const cases: [string, string, unknown, string][] = [
      ['PUT', '/v1/admin/templates/limits.nul', aTemplate({ name: 'a\u0000b' }), 'name'],
      [
        'PUT',
        '/v1/admin/templates/limits.nul',
        aTemplate({ channels: { sms: { text: '\ud800' } } }),
        'channels.sms.text',
      ],
      ['PUT', '/v1/recipients/limits-nul', aRecipient({ email: '\ud800@example.com' }), 'email'],
      ['PUT', '/v1/recipients/limits-nul', aRecipient({ data: { 'k\u0000': 1 } }), 'data["k\\u0000"]'],
      [
        'POST',
        '/v1/notifications',
        anEmail('a@example.com', {}, { data: { list: ['ok', 'x\u0000'] } }),
        'data.list[1]',
      ],
      ['POST', '/v1/admin/api-keys', { name: '\u0000', scopes: ['send'] }, 'name'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await herald.admin.request(method, path, body);
      expect(problemPaths(problemOf(response, 422)), `${method} ${path} ${field}`).toEqual([field]);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('judges each batch item on its own: a bad item is refused, the others are accepted', async () => {
    const response = await herald.admin.post<BatchResponse>('/v1/notifications/batch', {
      notifications: [
        anEmail('a@example.com'),
        anEmail('a@example.com', {}, { data: { name: 'x\u0000' } }),
        anEmail('a@example.com', { subject: 'line\r\nBcc: evil@example.com' }),
      ],
    });
    expect(response.status).toBe(202);
    expect(response.body.items[0].id).toEqual(expect.any(String));
    expect(response.body.items[1].error).toMatchObject({ status: 422, errors: [{ path: 'data.name' }] });
    expect(response.body.items[2].error).toMatchObject({ status: 422, errors: [{ path: 'content.email.subject' }] });
  });
});

describe('nesting and size', () => {
  it('holds data to 32 levels and 64 KiB, and any body to 64 levels, with 422 and nothing stored', async () => {
    await herald.admin.put('/v1/recipients/limits-data', aRecipient({ data: { kept: true } }));
    const before = await rowCounts();
    const send = (data: string) =>
      herald.admin.post(
        '/v1/notifications',
        `{"content":{"sms":{"text":"x"}},"to":{"phone":"+14155550123"},"data":${data}}`,
      );

    expect(problemPaths(problemOf(await send(nested(33)), 422))).toEqual(['data']);
    expect(problemPaths(problemOf(await send(`{"big":"${'x'.repeat(64 * 1024)}"}`), 422))).toEqual(['data']);
    // Far past any DTO: refused before class-transformer would recurse into it (a stack overflow, once a 500).
    expect(problemOf(await send(nested(5000)), 422).errors[0].message).toMatch(/deeper than 64/);
    expectProblem(await send(`{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), 422);
    for (const route of ['/v1/recipients/limits-data', '/v1/recipients/limits-data/preferences']) {
      expectProblem(await herald.admin.put(route, `{"data":${nested(5000)}}`), 422);
    }
    expectProblem(
      await herald.admin.put(
        '/v1/admin/templates/limits.deep',
        `{"name":"x","channels":{"webhook":{"payload":${nested(33)}}}}`,
      ),
      422,
    );
    expectProblem(
      await herald.admin.put(
        '/v1/admin/templates/limits.deep',
        `{"name":"x","channels":{"sms":{"text":"x"}},"schema":${nested(5000)}}`,
      ),
      422,
    );
    expect(await rowCounts()).toEqual(before);
    expect((await herald.admin.get<RecipientView>('/v1/recipients/limits-data')).body.data).toEqual({ kept: true });

    const accepted = await send(nested(32));
    expect(accepted.status).toBe(202);
  });

  it('bounds strings and arrays: an email body past 128 KiB, repeated scopes or channels are 422', async () => {
    const before = await rowCounts();
    const html = await herald.admin.put(
      '/v1/admin/templates/limits.long',
      aTemplate({ channels: { email: { subject: 's', html: 'x'.repeat(128 * 1024 + 1) } } }),
    );
    expect(problemPaths(problemOf(html, 422))).toEqual(['channels.email.html']);
    const scopes = await herald.admin.post('/v1/admin/api-keys', { name: 'n', scopes: Array(1000).fill('send') });
    expect(problemPaths(problemOf(scopes, 422))).toContain('scopes');
    const channels = await herald.admin.post('/v1/notifications', aNotification({ channels: Array(6).fill('email') }));
    expect(problemPaths(problemOf(channels, 422))).toContain('channels');
    // Found by npm run fuzz: both were 500s (a template with no channels; a token past the unique index's row limit).
    const template = await herald.admin.put('/v1/admin/templates/limits.no-channels', {
      name: 'No channels',
      locales: { fr: { email: { subject: 'Commande' } } },
    });
    expect(problemPaths(problemOf(template, 422))).toEqual(['channels']);
    await herald.admin.put('/v1/recipients/limits-fcm', aRecipient());
    const token = await herald.admin.post('/v1/recipients/limits-fcm/push-subscriptions', {
      type: 'fcm',
      token: 'x'.repeat(4096),
    });
    expect(problemPaths(problemOf(token, 422))).toEqual(['token']);
    expect(await countRows(herald.pg, 'push_subscriptions')).toBe(0);
    expect(await rowCounts()).toEqual({ ...before, recipients: before.recipients + 1 });
  });
});

describe('mail headers', () => {
  it('refuses CR or LF in a subject (template, locale variant, inline, rendered) and in addresses', async () => {
    const before = await rowCounts();
    const injected = 'Hi\r\nBcc: evil@example.com';
    const template = await herald.admin.put(
      '/v1/admin/templates/limits.header',
      aTemplate({ channels: { email: { subject: injected, text: 't' } } }),
    );
    expect(problemPaths(problemOf(template, 422))).toEqual(['channels.email.subject']);
    const locale = await herald.admin.put(
      '/v1/admin/templates/limits.header',
      aTemplate({ locales: { fr: { email: { subject: 'Salut\nBcc: evil@example.com' } } } }),
    );
    expect(problemPaths(problemOf(locale, 422))).toEqual(['locales.fr.email.subject']);
    const inline = await herald.admin.post('/v1/notifications', anEmail('a@example.com', { subject: injected }));
    expect(problemPaths(problemOf(inline, 422))).toEqual(['content.email.subject']);
    for (const email of ['a@example.com\r\nBcc: evil@example.com', 'a@example.com\n']) {
      const address = await herald.admin.post('/v1/notifications', anEmail(email));
      expect(problemPaths(problemOf(address, 422))).toEqual(['to.email']);
      const stored = await herald.admin.put('/v1/recipients/limits-header', aRecipient({ email }));
      expect(problemPaths(problemOf(stored, 422))).toEqual(['email']);
    }
    expect(await rowCounts()).toEqual(before);

    await herald.admin.put('/v1/admin/templates/limits.header', anOrderShippedTemplate());
    const rendered = await herald.admin.post('/v1/notifications', {
      template: 'limits.header',
      to: { email: 'a@example.com' },
      data: { orderId: 'A-1\r\nBcc: evil@example.com', name: 'Ada' },
    });
    expect(problemPaths(problemOf(rendered, 422))).toEqual(['content.email.subject']);
    expect(await countRows(herald.pg, 'notifications')).toBe(before.notifications);
  });
});

describe('prototype keys', () => {
  // Nest's ValidationPipe drops both keys at every depth before class-transformer copies the body.
  it('drops __proto__ and constructor keys at every depth: nothing is polluted, the rest is stored', async () => {
    const body =
      '{"content":{"sms":{"text":"{{name}}"}},"to":{"phone":"+14155550123","__proto__":{"email":"evil@example.com"}},' +
      '"data":{"name":"Ada","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}},' +
      '"__proto__":{"priority":"high"}}';
    const sent = await herald.admin.post<AcceptedNotification>('/v1/notifications', body);
    expect(sent.status).toBe(202);
    expect(sent.body.deliveries.map((delivery) => delivery.channel)).toEqual(['sms']);
    const { rows } = await herald.pg.query<{ data: unknown; priority: string }>(
      'SELECT data, priority FROM notifications WHERE id = $1',
      [sent.body.id],
    );
    expect(rows[0]).toEqual({ data: { name: 'Ada' }, priority: 'normal' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');

    await herald.admin.put('/v1/recipients/limits-proto', '{"data":{"__proto__":{"polluted":"yes"}}}');
    expect((await herald.admin.get<RecipientView>('/v1/recipients/limits-proto')).body.data).toEqual({});
    const preferences = await herald.admin.put(
      '/v1/recipients/limits-proto/preferences',
      '{"categories":{"__proto__":false}}',
    );
    expect(preferences.body).toEqual({ channels: {}, categories: {} });
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('lists and ids', () => {
  it('answers 422 for a limit that is not an integer from 1 to 200 and for a cursor that is not one', async () => {
    await herald.admin.put('/v1/recipients/limits-list', aRecipient());
    for (const list of ['/v1/admin/notifications', '/v1/admin/deliveries', '/v1/recipients/limits-list/inbox']) {
      for (const limit of ['0', '201', '1e3', '0x10', '1.5', '-1', 'abc', '', '99999999999999999999']) {
        const response = await herald.admin.get(`${list}?limit=${limit}`);
        expect(problemPaths(problemOf(response, 422)), `${list} ${limit}`).toEqual(['limit']);
      }
      expect(problemPaths(problemOf(await herald.admin.get(`${list}?cursor=nope`), 422))).toEqual(['cursor']);
      expect((await herald.admin.get(`${list}?limit=200`)).status).toBe(200);
    }
  });
});
