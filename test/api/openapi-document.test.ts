import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { freePort } from '@herald/core';
import { inboxToken } from '@herald/recipients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiResponse } from '../support/api-client';
import type {
  AcceptedNotification,
  CreatedApiKey,
  DeliveryHistoryItem,
  DigestedSend,
  InboxPage,
  Page,
  PushSubscriptionView,
} from '../support/api-types';
import { Child, startChild, stopChild } from '../support/child-process';
import { eventually } from '../support/eventually';
import { aNotification, aRecipient, aTemplate, anApiKey, aTemplatedNotification, aWebhook } from '../support/factories';
import { testEnv } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { readNotification, settledNotification } from '../support/notifications';
import { fillPath, HttpMethod, OpenApi, OpenApiAnswers } from '../support/openapi-answers';
import { SendgridWebhook } from '../support/sendgrid-webhook';
import { TwilioFake } from '../support/twilio-fake';

/**
 * The OpenAPI document is what clients are generated from, so it must describe every answer Herald gives. The
 * document checked is the one the build serves: @nestjs/swagger's compiler plugin, which only the build runs,
 * adds the DTOs' fields to it. So this starts the built monolith (api and worker, for real deliveries, inbox
 * messages and failures) on this file's database and drives every route over HTTP: a valid request built with
 * the factories, and the errors each route gives (no key, wrong scope, bad body, unknown id, conflicts).
 * Every answer must be documented, with its content type and a schema its body matches; every documented
 * route must have been driven, so a new route cannot slip by.
 */

const MAIN = 'dist/apps/herald/src/main.js';
const INBOX_SECRET = 'openapi-inbox-secret';
const ADMIN_KEY = 'openapi-test-admin-key-0123456789';

const herald = useHerald({ app: false });
// Only their signatures are used: Twilio's auth token and SendGrid's key pair sign the provider callbacks.
const twilio = new TwilioFake();
const sendgrid = new SendgridWebhook();
let child: Child | undefined;
let base = '';
let doc: OpenApi;
let answers: OpenApiAnswers;

function distState(): string {
  const probe = "import { distState } from './scripts/build-state.mjs'; console.log(distState())";
  return execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' }).trim();
}

beforeAll(async () => {
  if (!existsSync(MAIN) || distState() !== 'fresh') {
    throw new Error(`${MAIN} is missing or older than the sources: npm test builds it first (npm run build)`);
  }
  const port = await freePort();
  const env = testEnv(herald.db.url, {
    PORT: String(port),
    ADMIN_API_KEY: ADMIN_KEY,
    INBOX_SECRET,
    DELIVERY_MAX_ATTEMPTS: '1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: '+15005550006',
    SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.publicKey,
  });
  child = startChild(process.execPath, [MAIN], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  base = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${base}/health/ready`).catch(() => undefined))?.status === 200, {
    timeoutMs: 45_000,
    what: `the built Herald to be ready; output: ${child.output().slice(-2000)}`,
  });
  doc = (await new ApiClient(base).get<OpenApi>('/docs-json')).body;
  answers = new OpenApiAnswers(doc);
}, 60_000);

afterAll(async () => {
  if (child) await stopChild(child);
});

const admin = () => new ApiClient(base, ADMIN_KEY);
const anonymous = () => new ApiClient(base);

interface Call {
  params?: Record<string, string | number>;
  query?: string;
  body?: unknown;
  client?: ApiClient;
  headers?: Record<string, string>;
}

/** Calls `method template` (admin key unless said), expects `status`, and checks the answer against the document. */
async function call<T = unknown>(
  status: number,
  method: HttpMethod,
  template: string,
  { params, query, body, client = admin(), headers }: Call = {},
): Promise<ApiResponse<T>> {
  const path = fillPath(template, params) + (query ? `?${query}` : '');
  const response = await client.request<T>(method.toUpperCase(), path, body, headers);
  expect(response.status, `${method.toUpperCase()} ${path}: ${JSON.stringify(response.body)}`).toBe(status);
  answers.check(method, template, response);
  return response;
}

/** POSTs a Twilio webhook form to `path` (signed unless `signed` is false), expects `status`, checks the answer. */
async function callTwilio(status: number, path: string, form: Record<string, string>, signed = true): Promise<void> {
  const response = await twilio.callWebhook(`${base}${path}`, form, { reach: (url) => url, forge: !signed });
  const text = await response.text();
  expect(response.status, `POST ${path}: ${text}`).toBe(status);
  const body = /json/.test(response.headers.get('content-type') ?? '') ? (JSON.parse(text) as unknown) : text;
  answers.check('post', path, { status: response.status, headers: response.headers, body });
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    // The parser resolves $refs in place: it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('documents a schema for every answer with a body, problems as ProblemDocument, and the security of each route', () => {
    const signedRoutes: Record<string, string> = {
      'POST /v1/providers/twilio/status': 'twilioSignature',
      'POST /v1/providers/twilio/inbound': 'twilioSignature',
      'POST /v1/providers/sendgrid/events': 'sendgridSignature',
    };
    const publicRoutes = [
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /v1/unsubscribe/{token}',
      'POST /v1/unsubscribe/{token}',
    ];
    for (const route of answers.operations()) {
      const [method, path] = route.split(' ') as [string, string];
      const operation = answers.operation(method.toLowerCase() as HttpMethod, path);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === '204') {
          expect(response.content, `${route} ${status}`).toBeUndefined();
          continue;
        }
        const media = Object.entries(response.content ?? {});
        expect(media.length, `${route} ${status}: no content`).toBeGreaterThan(0);
        for (const [type, { schema }] of media) expect(schema, `${route} ${status} ${type}`).toBeDefined();
        if (Number(status) >= 400 && status !== '503') {
          expect(response.content, `${route} ${status}`).toEqual({
            'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDocument' } },
          });
        }
      }
      if (publicRoutes.includes(route)) {
        expect(operation.security, route).toBeUndefined();
      } else if (signedRoutes[route]) {
        expect(operation.security, route).toEqual([{ [signedRoutes[route]]: [] }]);
        expect(Object.keys(operation.responses), route).toContain('401');
      } else {
        expect(operation.security, route).toContainEqual({ bearer: [] });
        expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(['401', '403', '429']));
      }
      if (operation.requestBody) {
        expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(['400', '413', '415', '422']));
      }
    }
  });
});

describe('the answer checker', () => {
  const json = new Headers({ 'content-type': 'application/json; charset=utf-8' });
  const problem = new Headers({ 'content-type': 'application/problem+json' });
  const stats = { notifications: {}, deliveries: {}, queues: null };

  it('refuses an undocumented status, content type, field, null or missing field', () => {
    // An instance of its own: what it checks here does not count as driven below.
    const checker = new OpenApiAnswers(doc);
    const check = (status: number, headers: Headers, body: unknown) => () =>
      checker.check('get', '/v1/admin/api-keys', { status, headers, body });
    const key = { id: 'k', name: 'n', scopes: ['send'], prefix: 'hk_', createdAt: '2026-12-03T10:00:00.000Z' };
    expect(check(200, json, { items: [key], nextCursor: null })).not.toThrow();
    expect(check(418, json, { items: [], nextCursor: null })).toThrow(/status not documented/);
    expect(check(200, problem, { items: [], nextCursor: null })).toThrow(/content type/);
    expect(check(200, json, { items: [{ ...key, secret: 'x' }], nextCursor: null })).toThrow(/additional/);
    expect(check(200, json, { items: [{ ...key, name: null }], nextCursor: null })).toThrow(/schema/);
    expect(check(200, json, { items: [] })).toThrow(/nextCursor/);
    expect(check(401, problem, { type: 't', title: 'T', status: 401, errors: [{ path: 'a' }] })).toThrow(/message/);
    expect(() => checker.check('get', '/v1/admin/stats', { status: 200, headers: json, body: stats })).toThrow(
      /accepted/,
    );
  });
});

describe('every route answers as documented', () => {
  it('drives every documented route, valid requests and errors, and each answer matches the document', async () => {
    // API keys.
    const sendKey = (await call<CreatedApiKey>(201, 'post', '/v1/admin/api-keys', { body: anApiKey(['send']) })).body;
    const sender = admin().withKey(sendKey.key);
    const doomed = (await call<CreatedApiKey>(201, 'post', '/v1/admin/api-keys', { body: anApiKey(['read']) })).body;
    await call(200, 'get', '/v1/admin/api-keys');
    await call(204, 'delete', '/v1/admin/api-keys/{id}', { params: { id: doomed.id } });
    await call(404, 'delete', '/v1/admin/api-keys/{id}', { params: { id: doomed.id } });
    await call(400, 'delete', '/v1/admin/api-keys/{id}', { params: { id: 'not-a-uuid' } });
    await call(422, 'post', '/v1/admin/api-keys', { body: { name: 'x', scopes: ['everything'] } });

    // Templates: created (201), then a new version (200), read, listed, rolled back, previewed, deleted.
    const inApp = { in_app: { title: 'Hi {{name}}', body: 'Order {{orderId}}' } };
    const template = aTemplate({ channels: { ...inApp, email: { subject: 'Order {{orderId}}', text: 't' } } });
    await call(201, 'put', '/v1/admin/templates/{key}', { params: { key: 'order' }, body: template });
    await call(200, 'put', '/v1/admin/templates/{key}', {
      params: { key: 'order' },
      body: { ...template, name: 'Order, again' },
    });
    await call(422, 'put', '/v1/admin/templates/{key}', { params: { key: 'order' }, body: { name: 7 } });
    await call(200, 'get', '/v1/admin/templates');
    await call(200, 'get', '/v1/admin/templates/{key}', { params: { key: 'order' } });
    await call(404, 'get', '/v1/admin/templates/{key}', { params: { key: 'no-such-template' } });
    await call(200, 'get', '/v1/admin/templates/{key}/versions', { params: { key: 'order' } });
    await call(404, 'get', '/v1/admin/templates/{key}/versions', { params: { key: 'no-such-template' } });
    await call(200, 'post', '/v1/admin/templates/{key}/versions/{n}/activate', { params: { key: 'order', n: 1 } });
    await call(404, 'post', '/v1/admin/templates/{key}/versions/{n}/activate', { params: { key: 'order', n: 9 } });
    await call(200, 'post', '/v1/admin/templates/{key}/preview', {
      params: { key: 'order' },
      body: { data: { orderId: 'A-1', name: 'Ada' } },
    });
    await call(404, 'post', '/v1/admin/templates/{key}/preview', { params: { key: 'no-such-template' }, body: {} });
    await call(200, 'post', '/v1/admin/template-preview', {
      body: { template: aTemplate(), data: { name: 'Ada' }, locale: 'fr' },
    });
    await call(422, 'post', '/v1/admin/template-preview', { body: { template: { name: 'x', channels: {} } } });
    await call(201, 'put', '/v1/admin/templates/{key}', { params: { key: 'doomed' }, body: aTemplate() });
    await call(204, 'delete', '/v1/admin/templates/{key}', { params: { key: 'doomed' } });
    await call(404, 'delete', '/v1/admin/templates/{key}', { params: { key: 'doomed' } });

    // Recipients, preferences, push subscriptions.
    const ada = { id: 'ada' };
    await call(201, 'put', '/v1/recipients/{id}', { params: ada, body: aRecipient({ email: 'ada@example.com' }) });
    await call(200, 'put', '/v1/recipients/{id}', {
      params: ada,
      body: aRecipient({ email: 'ada@example.com', data: { plan: 'pro' } }),
    });
    await call(422, 'put', '/v1/recipients/{id}', { params: ada, body: { email: 'not an address' } });
    await call(200, 'get', '/v1/recipients/{id}', { params: ada });
    await call(404, 'get', '/v1/recipients/{id}', { params: { id: 'nobody' } });
    await call(422, 'get', '/v1/recipients/{id}', { params: { id: '-bad id' } });
    const preferences = { channels: { sms: false }, categories: { marketing: false, orders: { email: false } } };
    await call(200, 'put', '/v1/recipients/{id}/preferences', { params: ada, body: preferences });
    await call(404, 'put', '/v1/recipients/{id}/preferences', { params: { id: 'nobody' }, body: preferences });
    await call(200, 'get', '/v1/recipients/{id}/preferences', { params: ada });
    await call(404, 'get', '/v1/recipients/{id}/preferences', { params: { id: 'nobody' } });
    const fcm = { type: 'fcm', token: 'device-token-1' };
    const subscribed = await call<PushSubscriptionView>(201, 'post', '/v1/recipients/{id}/push-subscriptions', {
      params: ada,
      body: fcm,
    });
    await call(200, 'post', '/v1/recipients/{id}/push-subscriptions', { params: ada, body: fcm });
    await call(200, 'get', '/v1/recipients/{id}/push-subscriptions', { params: ada });
    await call(404, 'get', '/v1/recipients/{id}/push-subscriptions', { params: { id: 'nobody' } });
    await call(422, 'post', '/v1/recipients/{id}/push-subscriptions', { params: ada, body: { type: 'fax' } });
    await call(204, 'delete', '/v1/recipients/{id}/push-subscriptions/{subId}', {
      params: { ...ada, subId: subscribed.body.id },
    });
    await call(404, 'delete', '/v1/recipients/{id}/push-subscriptions/{subId}', {
      params: { ...ada, subId: subscribed.body.id },
    });
    await call(201, 'put', '/v1/recipients/{id}', { params: { id: 'grace' }, body: aRecipient() });
    await call(204, 'delete', '/v1/recipients/{id}', { params: { id: 'grace' } });

    // Sending: a template to Ada (in-app delivered by the worker), a scheduled one to cancel, a failing webhook.
    const sent = await call<AcceptedNotification>(202, 'post', '/v1/notifications', {
      client: sender,
      body: aTemplatedNotification('order', 'ada', { orderId: 'A-1', name: 'Ada' }, { channels: ['in_app'] }),
    });
    const later = await call<AcceptedNotification>(202, 'post', '/v1/notifications', {
      body: aNotification({ sendAt: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    const closedPort = await freePort();
    const failing = await call<AcceptedNotification>(202, 'post', '/v1/notifications', {
      body: aWebhook(`http://127.0.0.1:${closedPort}/hook`),
    });
    await call(401, 'post', '/v1/notifications', { client: anonymous(), body: aNotification() });
    await call(422, 'post', '/v1/notifications', { body: {} });
    await call(422, 'post', '/v1/notifications', { body: aTemplatedNotification('no-such-template', 'ada') });
    await call(400, 'post', '/v1/notifications', { body: '{"to": ' });
    await call(413, 'post', '/v1/notifications', { body: aNotification({ data: { big: 'x'.repeat(1_100_000) } }) });
    await call(202, 'post', '/v1/notifications/batch', {
      client: sender,
      body: { notifications: [aNotification(), { to: {} }] },
    });
    await call(422, 'post', '/v1/notifications/batch', { body: { notifications: 'none' } });
    await call(403, 'get', '/v1/admin/stats', { client: sender });

    await call(200, 'get', '/v1/notifications/{id}', { params: { id: sent.body.id }, client: sender });
    await call(404, 'get', '/v1/notifications/{id}', { params: { id: '0190a5c2-0000-7000-8000-000000000000' } });
    await call(200, 'post', '/v1/notifications/{id}/cancel', { params: { id: later.body.id } });
    await call(404, 'post', '/v1/notifications/{id}/cancel', { params: { id: 'not-a-uuid' } });

    // A digest (API.md §9): its template, a send that joins it, the digest read back.
    const digest = aTemplate({ channels: inApp, digest: { window: 3600, key: '{{orderId}}', maxEvents: 10 } });
    await call(201, 'put', '/v1/admin/templates/{key}', { params: { key: 'order-digest' }, body: digest });
    const digested = await call<DigestedSend>(202, 'post', '/v1/notifications', {
      client: sender,
      body: aTemplatedNotification('order-digest', 'ada', { orderId: 'A-1', name: 'Ada' }),
    });
    await call(200, 'get', '/v1/digests/{id}', { params: { id: digested.body.digestId }, client: sender });
    await call(404, 'get', '/v1/digests/{id}', { params: { id: '0190a5c2-0000-7000-8000-000000000000' } });
    const digestEvents = { params: { id: digested.body.digestId }, client: sender };
    await call(200, 'get', '/v1/digests/{id}/events', { ...digestEvents, query: 'limit=1' });
    await call(422, 'get', '/v1/digests/{id}/events', { ...digestEvents, query: 'cursor=x' });
    await call(404, 'get', '/v1/digests/{id}/events', { params: { id: '0190a5c2-0000-7000-8000-000000000000' } });

    // The in-app message lands in Ada's inbox; the webhook fails for good (one attempt).
    const inbox = await eventually(async () => {
      const page = await call<InboxPage>(200, 'get', '/v1/recipients/{id}/inbox', { params: ada });
      return page.body.items.length > 0 && page.body;
    });
    const token = { 'x-recipient-token': inboxToken(INBOX_SECRET, 'ada') };
    await call(200, 'get', '/v1/recipients/{id}/inbox', {
      params: ada,
      query: 'unread=true',
      client: anonymous(),
      headers: token,
    });
    await call(401, 'get', '/v1/recipients/{id}/inbox', { params: ada, client: anonymous() });
    await call(422, 'get', '/v1/recipients/{id}/inbox', { params: ada, query: 'limit=0' });
    await call(200, 'post', '/v1/recipients/{id}/inbox/{messageId}/read', {
      params: { ...ada, messageId: inbox.items[0].id },
    });
    await call(404, 'post', '/v1/recipients/{id}/inbox/{messageId}/read', { params: { ...ada, messageId: 'nope' } });
    await call(200, 'post', '/v1/recipients/{id}/inbox/read-all', { params: ada, client: anonymous(), headers: token });
    await streamOpens(ada.id);
    await call(401, 'get', '/v1/recipients/{id}/inbox/stream', { params: ada, client: anonymous() });

    const failed = await eventually(async () => {
      const page = await call<Page<DeliveryHistoryItem>>(200, 'get', '/v1/admin/deliveries', {
        query: 'status=failed',
      });
      return page.body.items.find((delivery) => delivery.notificationId === failing.body.id);
    });
    await call(200, 'post', '/v1/admin/deliveries/{id}/retry', { params: { id: failed.id } });
    const delivered = sent.body.deliveries[0].id;
    await settledNotification(admin(), sent.body.id, 'completed');
    await call(409, 'post', '/v1/admin/deliveries/{id}/retry', { params: { id: delivered } });
    await call(404, 'post', '/v1/admin/deliveries/{id}/retry', {
      params: { id: '0190a5c2-0000-7000-8000-000000000000' },
    });

    // History and stats; a page of one has a next cursor.
    const page = await call<Page<unknown>>(200, 'get', '/v1/admin/notifications', { query: 'limit=1' });
    expect(page.body.nextCursor).toEqual(expect.any(String));
    await call(200, 'get', '/v1/admin/notifications', { query: `limit=1&cursor=${page.body.nextCursor}` });
    await call(422, 'get', '/v1/admin/notifications', { query: 'limit=0' });
    await call(200, 'get', '/v1/admin/deliveries', { query: 'limit=2' });
    await call(422, 'get', '/v1/admin/deliveries', { query: 'status=lost' });
    await call(200, 'get', '/v1/admin/stats');
    await call(200, 'get', '/v1/admin/stats/deliveries-per-minute', { query: 'minutes=5' });
    await call(422, 'get', '/v1/admin/stats/deliveries-per-minute', { query: 'minutes=0' });
    await call(200, 'get', '/v1/me', { client: sender });
    await call(401, 'get', '/v1/me', { client: anonymous() });

    // Suppressions (§10): a STOP through Twilio's signed inbound webhook, listed, per recipient, lifted.
    const phone = '+14155550199';
    await call(200, 'put', '/v1/recipients/{id}', {
      params: ada,
      body: aRecipient({ email: 'ada@example.com', phone }),
    });
    await callTwilio(200, '/v1/providers/twilio/inbound', { From: phone, To: '+15005550006', Body: 'STOP' });
    await callTwilio(401, '/v1/providers/twilio/inbound', { From: phone, Body: 'START' }, false);
    await callTwilio(422, '/v1/providers/twilio/inbound', { Body: 'STOP' });
    const suppressions = await call<Page<{ id: string }>>(200, 'get', '/v1/admin/suppressions', {
      query: `address=${encodeURIComponent(phone)}&reason=sms_stop&limit=10`,
    });
    expect(suppressions.body.items).toHaveLength(1);
    await call(422, 'get', '/v1/admin/suppressions', { query: 'reason=boredom' });
    await call(200, 'get', '/v1/recipients/{id}/suppressions', { params: ada });
    await call(404, 'get', '/v1/recipients/{id}/suppressions', { params: { id: 'nobody' } });
    await call(204, 'delete', '/v1/admin/suppressions/{id}', { params: { id: suppressions.body.items[0].id } });
    await call(404, 'delete', '/v1/admin/suppressions/{id}', { params: { id: suppressions.body.items[0].id } });

    // Provider callbacks: an unknown message is 200 and ignored; unsigned is 401; a signed form without its fields 422.
    const status = { MessageSid: 'SM00000000000000000000000000000000', MessageStatus: 'delivered' };
    await callTwilio(200, '/v1/providers/twilio/status', status);
    await callTwilio(401, '/v1/providers/twilio/status', status, false);
    await callTwilio(422, '/v1/providers/twilio/status', { MessageSid: status.MessageSid });
    const events = '[{"event":"delivered","smtp-id":"<not-ours@example.com>"}]';
    const signedEvents = sendgrid.headers(events, '1733300000');
    await call(200, 'post', '/v1/providers/sendgrid/events', {
      body: events,
      client: anonymous(),
      headers: signedEvents,
    });
    await call(401, 'post', '/v1/providers/sendgrid/events', { body: events, client: anonymous() });
    await call(422, 'post', '/v1/providers/sendgrid/events', {
      body: '{}',
      client: anonymous(),
      headers: sendgrid.headers('{}', '1733300000'),
    });
    // One-click unsubscribe: the link of a categorised template's email to Ada (captured, so read from its content).
    await call(201, 'put', '/v1/admin/templates/{key}', {
      params: { key: 'news' },
      body: aTemplate({ category: 'news' }),
    });
    const news = await call<AcceptedNotification>(202, 'post', '/v1/notifications', {
      body: aTemplatedNotification('news', 'ada'),
    });
    const newsView = await readNotification(admin(), news.body.id);
    const link = (newsView.deliveries[0].content as { unsubscribe: { url: string } }).unsubscribe.url;
    const unsubscribe = { token: link.slice(link.lastIndexOf('/') + 1) };
    await call(200, 'get', '/v1/unsubscribe/{token}', { params: unsubscribe, client: anonymous() });
    await call(200, 'post', '/v1/unsubscribe/{token}', {
      params: unsubscribe,
      client: anonymous(),
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await call(404, 'get', '/v1/unsubscribe/{token}', { params: { token: 'forged.token' }, client: anonymous() });
    await call(404, 'post', '/v1/unsubscribe/{token}', { params: { token: 'forged.token' }, client: anonymous() });
    await call(400, 'post', '/v1/unsubscribe/{token}', { params: unsubscribe, client: anonymous(), body: '{"x": ' });

    // Topics (§9): created, renamed, subscribed to, listed, sent to (a broadcast), unsubscribed from.
    const team = { key: 'team' };
    const nothing = { key: 'no-such-topic' };
    await call(201, 'put', '/v1/topics/{key}', { params: team, body: { name: 'Team' } });
    await call(200, 'put', '/v1/topics/{key}', { params: team, body: { name: 'The team' } });
    await call(422, 'put', '/v1/topics/{key}', { params: { key: '-bad key' }, body: { name: 'x' } });
    await call(200, 'get', '/v1/topics/{key}', { params: team });
    await call(404, 'get', '/v1/topics/{key}', { params: nothing });
    await call(200, 'get', '/v1/topics', { query: 'limit=1' });
    await call(422, 'get', '/v1/topics', { query: 'cursor=-bad' });
    await call(200, 'put', '/v1/topics/{key}/subscribers', { params: team, body: { recipientIds: ['ada'] } });
    await call(422, 'put', '/v1/topics/{key}/subscribers', { params: team, body: { recipientIds: ['nobody'] } });
    await call(404, 'put', '/v1/topics/{key}/subscribers', { params: nothing, body: { recipientIds: ['ada'] } });
    await call(200, 'get', '/v1/topics/{key}/subscribers', { params: team, query: 'limit=1' });
    await call(404, 'get', '/v1/topics/{key}/subscribers', { params: nothing });
    await call(422, 'get', '/v1/topics/{key}/subscribers', { params: team, query: 'limit=0' });
    const broadcast = await call<{ broadcastId: string }>(202, 'post', '/v1/notifications', {
      body: { template: 'news', to: { topic: 'team' } },
    });
    await call(422, 'post', '/v1/notifications', { body: { template: 'news', to: { topic: 'no-such-topic' } } });
    await call(200, 'get', '/v1/broadcasts/{id}', { params: { id: broadcast.body.broadcastId } });
    await call(404, 'get', '/v1/broadcasts/{id}', { params: { id: '0190a5c2-0000-7000-8000-000000000000' } });
    await call(204, 'delete', '/v1/topics/{key}/subscribers/{recipientId}', {
      params: { ...team, recipientId: 'ada' },
    });
    await call(404, 'delete', '/v1/topics/{key}/subscribers/{recipientId}', {
      params: { ...nothing, recipientId: 'ada' },
    });

    // Public routes.
    await call(200, 'get', '/health/live', { client: anonymous() });
    await call(200, 'get', '/health/ready', { client: anonymous() });
    await call(200, 'get', '/metrics', { client: anonymous() });

    expect(answers.unexercised(), 'documented routes this test never drove').toEqual([]);
  }, 120_000);
});

/** Opens the inbox stream with the query token and checks its answer's head (the stream itself never ends). */
async function streamOpens(recipientId: string): Promise<void> {
  const template = '/v1/recipients/{id}/inbox/stream';
  const abort = new AbortController();
  const url = `${base}${fillPath(template, { id: recipientId })}?token=${inboxToken(INBOX_SECRET, recipientId)}`;
  const response = await fetch(url, { signal: abort.signal });
  try {
    expect(response.status).toBe(200);
    answers.check('get', template, { status: response.status, headers: response.headers });
  } finally {
    abort.abort();
  }
}
