import { randomBytes } from 'node:crypto';
import { freePort } from '@herald/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client';
import { Child, startChild, stopChild } from '../support/child-process';
import { eventually } from '../support/eventually';
import { aWebhook } from '../support/factories';
import { testEnv } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { settledNotification } from '../support/notifications';
import { WebhookReceiver } from '../support/webhook-receiver';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const hooks = new WebhookReceiver(secret);
const harness = useHerald({ app: false, peers: [hooks] });

type Line = Record<string, unknown> & { msg?: string; reqId?: unknown; req?: { id?: unknown } };

/** The monolith as a child logging at info (pino JSON lines on stdout), so every line it prints can be read. */
describe('log correlation', () => {
  let child: Child;
  let admin: ApiClient;
  const lines = (): Line[] =>
    child
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Line);

  beforeAll(async () => {
    const port = await freePort();
    const env = testEnv(harness.db.url, { PORT: String(port), LOG_LEVEL: 'info', WEBHOOK_SECRET: secret });
    child = startChild('node', ['scripts/start.mjs', 'herald'], { env: { ...process.env, ...env } });
    admin = new ApiClient(`http://127.0.0.1:${port}`, env.ADMIN_API_KEY);
    await eventually(async () => (await admin.get('/health/ready').catch(() => undefined))?.status === 200, {
      timeoutMs: 30_000,
      what: `Herald to start; output: ${child.output()}`,
    });
  }, 60_000);

  afterAll(async () => {
    if (child) await stopChild(child);
  });

  it('echoes a sane X-Request-Id, replaces one that is not, and gives one to a request without', async () => {
    const sane = await fetch(`${admin.baseUrl}/health/live`, { headers: { 'x-request-id': 'gateway-1.a:b_c' } });
    expect(sane.headers.get('x-request-id')).toBe('gateway-1.a:b_c');
    const forged = await fetch(`${admin.baseUrl}/health/live`, { headers: { 'x-request-id': 'a"}{"level":60' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await fetch(`${admin.baseUrl}/v1/no/such/route`);
    expect(none.status).toBe(404);
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts notificationId and deliveryId on every line about a delivery, and the request id on request lines', async () => {
    hooks.script('/flaky', { status: 503 });
    const requestId = `req-${randomBytes(6).toString('hex')}`;
    const sent = await admin.post<{ id: string; deliveries: { id: string }[] }>(
      '/v1/notifications',
      aWebhook(hooks.url('/flaky')),
      { 'x-request-id': requestId },
    );
    expect(sent.status).toBe(202);
    expect(sent.headers.get('x-request-id')).toBe(requestId);
    const notificationId = sent.body.id;
    const deliveryId = sent.body.deliveries[0].id;
    await settledNotification(admin, notificationId, 'completed');
    expect(hooks.to('/flaky')).toHaveLength(2);

    // The delivered line follows the commit the settled read saw, so it may come a moment later.
    const about = await eventually(
      () => {
        const found = lines().filter((line) => JSON.stringify(line).includes(deliveryId));
        return found.some((line) => line.msg === 'delivery delivered') && found;
      },
      { what: `the delivered line of ${deliveryId}; output: ${child.output()}` },
    );
    expect(about.map((line) => line.msg)).toEqual(
      expect.arrayContaining([
        'delivery accepted',
        expect.stringMatching(/^delivery attempt failed, retrying/),
        'delivery delivered',
      ]),
    );
    for (const line of about) expect(line, JSON.stringify(line)).toMatchObject({ notificationId, deliveryId });

    // Request-scoped lines carry the request's id: the accept line inside it, and the request's own log line.
    const accepted = about.find((line) => line.msg === 'delivery accepted')!;
    expect(accepted.reqId).toBe(requestId);
    const completed = lines().find((line) => line.req?.id === requestId && line.msg === 'request completed');
    expect(completed, 'the POST /v1/notifications request line').toBeDefined();
    expect(completed!.reqId).toBe(requestId);
    // The worker's lines belong to no request.
    expect(about.find((line) => line.msg === 'delivery delivered')!.reqId).toBeUndefined();
  });
});
