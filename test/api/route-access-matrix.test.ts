/**
 * Every route × every kind of caller (API.md §2, §4-7): the routes come from the
 * running app's Fastify router, so a route added without a row below fails
 * here instead of skipping the matrix; a row for a route the app no longer
 * serves fails too. Each route is called with no credential, a key of each
 * single scope, and recipient tokens, and answers 401, 403 or neither, as its
 * row says.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { inboxToken } from '@herald/recipients';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, clientWithScopes } from '../support/api-client';
import type { Scope } from '../support/api-types';
import { useHerald } from '../support/herald-harness';

const INBOX_SECRET = `inbox-secret-${randomBytes(8).toString('hex')}`;
const herald = useHerald({ apps: ['api'], env: { INBOX_SECRET } });

/**
 * Who may call a route: anyone; an API key with one of these scopes (`admin` always); an inbox's reader; or
 * only a provider, by its request signature (no caller here has one: always 401).
 */
type Access = 'public' | 'inbox' | 'signed' | readonly Scope[];

const SCOPES: readonly Scope[] = ['send', 'read', 'recipients', 'admin'];
const docs = (path: string): [string, Access] => [`GET ${path}`, 'public'];

/** One row per route the API serves, from API.md. */
const EXPECTED = new Map<string, Access>([
  // §2: health, metrics and the OpenAPI document with its Swagger UI need no key.
  ['GET /health/live', 'public'],
  ['GET /health/ready', 'public'],
  ['GET /metrics', 'public'],
  ...[
    // Also as /docs/: paths match with or without a trailing slash, as on Express.
    '/docs',
    '/docs/index.html',
    '/docs/LICENSE',
    // Swagger UI's files (@fastify/static)
    '/docs/*',
    '/docs/swagger-ui-init.js',
    '/docs/docs/swagger-ui-init.js',
    '/docs-json',
    '/docs-yaml',
  ].map(docs),
  // The web console's files (§7): it is an API client, so loading it needs no key.
  ['GET /admin', 'public'],
  ['GET /admin/*', 'public'],
  // Who the caller is: any key (docs/decisions.md).
  ['GET /v1/me', ['send', 'read', 'recipients']],
  // §3
  ['POST /v1/notifications', ['send']],
  ['POST /v1/notifications/batch', ['send']],
  ['GET /v1/notifications/:id', ['read', 'send']],
  ['POST /v1/notifications/:id/cancel', ['send']],
  // §9: what a digested send joined, and the sends it holds.
  ['GET /v1/digests/:id', ['read', 'send']],
  ['GET /v1/digests/:id/events', ['read', 'send']],
  // §4: recipients manage, reads also read.
  ['PUT /v1/recipients/:id', ['recipients']],
  ['GET /v1/recipients/:id', ['recipients', 'read']],
  ['DELETE /v1/recipients/:id', ['recipients']],
  ['PUT /v1/recipients/:id/preferences', ['recipients']],
  ['GET /v1/recipients/:id/preferences', ['recipients', 'read']],
  ['POST /v1/recipients/:id/push-subscriptions', ['recipients']],
  ['DELETE /v1/recipients/:id/push-subscriptions/:subId', ['recipients']],
  ['GET /v1/recipients/:id/push-subscriptions', ['recipients', 'read']],
  // §6.1: the signed token in the path is the credential.
  ['GET /v1/unsubscribe/:token', 'public'],
  ['POST /v1/unsubscribe/:token', 'public'],
  // §6.5: read, or the recipient's own token.
  ['GET /v1/recipients/:id/inbox', 'inbox'],
  ['POST /v1/recipients/:id/inbox/read-all', 'inbox'],
  ['POST /v1/recipients/:id/inbox/:messageId/read', 'inbox'],
  ['GET /v1/recipients/:id/inbox/stream', 'inbox'],
  // §5 and §7: admin only.
  ['PUT /v1/admin/templates/:key', ['admin']],
  ['GET /v1/admin/templates', ['admin']],
  ['GET /v1/admin/templates/:key', ['admin']],
  ['DELETE /v1/admin/templates/:key', ['admin']],
  ['GET /v1/admin/templates/:key/versions', ['admin']],
  ['POST /v1/admin/templates/:key/versions/:n/activate', ['admin']],
  ['POST /v1/admin/templates/:key/preview', ['admin']],
  ['GET /v1/admin/notifications', ['admin']],
  ['GET /v1/admin/deliveries', ['admin']],
  ['POST /v1/admin/deliveries/:id/retry', ['admin']],
  ['GET /v1/admin/stats', ['admin']],
  ['GET /v1/admin/stats/deliveries-per-minute', ['admin']],
  ['POST /v1/admin/template-preview', ['admin']],
  ['POST /v1/admin/api-keys', ['admin']],
  ['GET /v1/admin/api-keys', ['admin']],
  ['DELETE /v1/admin/api-keys/:id', ['admin']],
  // §10: suppressions; the providers' callbacks carry their signature instead of a key.
  ['GET /v1/admin/suppressions', ['admin']],
  ['DELETE /v1/admin/suppressions/:id', ['admin']],
  ['GET /v1/recipients/:id/suppressions', ['recipients', 'read']],
  ['POST /v1/providers/twilio/status', 'signed'],
  ['POST /v1/providers/twilio/inbound', 'signed'],
  ['POST /v1/providers/sendgrid/events', 'signed'],
  // §9: topics are managed with recipients (read also with read); a broadcast is read as a notification is.
  ['GET /v1/topics', ['recipients', 'read']],
  ['PUT /v1/topics/:key', ['recipients']],
  ['GET /v1/topics/:key', ['recipients', 'read']],
  ['PUT /v1/topics/:key/subscribers', ['recipients']],
  ['GET /v1/topics/:key/subscribers', ['recipients', 'read']],
  ['DELETE /v1/topics/:key/subscribers/:recipientId', ['recipients']],
  ['GET /v1/broadcasts/:id', ['read', 'send']],
]);

/**
 * Prefixes whose every served route has one access: the queue dashboard's (bull-board's ~45 page, file and API
 * routes, which change with its versions, plus its sign-in and its 404 wildcard). No row each, but each route the
 * router holds under the prefix is still called by every kind of caller below, so one left open fails.
 */
const PREFIX_RULES: readonly [string, Access][] = [['/admin/queues', ['admin']]];

const ruledBy = (route: string) =>
  PREFIX_RULES.find(([prefix]) => {
    const path = route.split(' ')[1];
    return path === prefix || path.startsWith(`${prefix}/`);
  });

/**
 * `METHOD /path` of every route on the app's Fastify router, read from its printed tree (one node a line,
 * four columns a level, each node the text after its parent's; a wildcard is printed without the slash
 * before it). Fastify adds HEAD to every GET route by itself, as Express answered HEAD with GET's route:
 * not a row of its own. The router matches paths in any case and stores them lower-cased: compare so.
 */
function servedRoutes(): string[] {
  const fastify = (herald.app as INestApplication).getHttpAdapter().getInstance() as FastifyInstance;
  const parents: string[] = [];
  return fastify
    .printRoutes({ commonPrefix: false })
    .split('\n')
    .flatMap((line) => {
      const node = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
      if (!node) return [];
      const depth = node[1].length / 4;
      const parent = parents.slice(0, depth).join('');
      const path = node[2] === '*' ? `${parent.replace(/\/$/, '')}/*` : parent + node[2];
      parents[depth] = node[2];
      const methods = (node[3] ?? '').split(', ').filter((method) => method && method !== 'HEAD');
      return methods.map((method) => `${method} ${path}`.toLowerCase());
    });
}

type Kind = 'no credential' | Scope | "the recipient's token" | "another recipient's token";
type Outcome = 401 | 403 | 'allowed';
const KINDS: readonly Kind[] = ['no credential', ...SCOPES, "the recipient's token", "another recipient's token"];

function expected(access: Access, kind: Kind): Outcome {
  if (access === 'public') return 'allowed';
  if (access === 'signed') return 401;
  if (kind === 'no credential' || kind === "another recipient's token") return 401;
  if (kind === "the recipient's token") return access === 'inbox' ? 'allowed' : 401;
  const scopes = access === 'inbox' ? ['read'] : access;
  return kind === 'admin' || scopes.includes(kind) ? 'allowed' : 403;
}

/** The recipient of the inbox routes' `:id`, whose token is "the recipient's". */
const RECIPIENT = `matrix-${randomUUID()}`;
const PARAMS: Record<string, string> = { id: RECIPIENT, key: 'matrix.template', n: '1' };

function concretePath(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => PARAMS[name] ?? randomUUID());
}

const clients = new Map<Kind, ApiClient>();
const headersOf = (kind: Kind): Record<string, string> =>
  kind === "the recipient's token"
    ? { 'x-recipient-token': inboxToken(INBOX_SECRET, RECIPIENT) }
    : kind === "another recipient's token"
      ? { 'x-recipient-token': inboxToken(INBOX_SECRET, `other-${RECIPIENT}`) }
      : {};

/**
 * Only the status: the SSE route's body never ends, so the body is dropped
 * once the headers are in (fetch resolves then), whatever the route.
 */
async function outcome(route: string, kind: Kind): Promise<Outcome> {
  const [lowerMethod, path] = route.split(' ');
  // fetch upper-cases GET, POST, PUT, DELETE but sends a lower-case PATCH as it is.
  const method = lowerMethod.toUpperCase();
  const client = clients.get(kind)!;
  const response = await fetch(client.baseUrl + concretePath(path), {
    method,
    headers: {
      ...(client.key ? { authorization: `Bearer ${client.key}` } : {}),
      ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
      ...headersOf(kind),
    },
    body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
  });
  await response.body?.cancel();
  return response.status === 401 || response.status === 403 ? response.status : 'allowed';
}

beforeAll(async () => {
  const anonymous = herald.admin.withKey(undefined);
  for (const kind of KINDS) clients.set(kind, anonymous);
  for (const scope of SCOPES) clients.set(scope, await clientWithScopes(herald.admin, scope));
});

it('has a row for every route the app serves, and serves every row', () => {
  const served = servedRoutes();
  const rows = [...EXPECTED.keys()].map((route) => route.toLowerCase());
  expect(served.length).toBeGreaterThan(30);
  expect(
    served.filter((route) => !rows.includes(route) && !ruledBy(route)),
    'routes missing from the matrix',
  ).toEqual([]);
  expect(
    rows.filter((route) => !served.includes(route)),
    'rows of routes not served',
  ).toEqual([]);
});

describe.each([...EXPECTED])('%s', (route, access) => {
  it(`answers each caller as API.md says (${typeof access === 'string' ? access : access.join(' or ')})`, async () => {
    const answers: [Kind, Outcome][] = [];
    for (const kind of KINDS) answers.push([kind, await outcome(route, kind)]);
    expect(answers).toEqual(KINDS.map((kind) => [kind, expected(access, kind)]));
  });
});

describe.each(PREFIX_RULES)('every route under %s', (prefix, access) => {
  it(`answers each caller as its rule says (${typeof access === 'string' ? access : access.join(' or ')})`, async () => {
    const routes = servedRoutes().filter((route) => ruledBy(route)?.[0] === prefix);
    expect(routes.length).toBeGreaterThan(0);
    const answers: [string, Kind, Outcome][] = [];
    for (const route of routes) for (const kind of KINDS) answers.push([route, kind, await outcome(route, kind)]);
    expect(answers).toEqual(routes.flatMap((route) => KINDS.map((kind) => [route, kind, expected(access, kind)])));
  });
});
