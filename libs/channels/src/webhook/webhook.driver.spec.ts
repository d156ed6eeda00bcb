import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HeraldConfig } from '@herald/core';
import type { DeliveryContext } from '../channel-driver';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { pinnedLookup } from '../http/ssrf-guard';
import { postJson } from './webhook-http';
import { WebhookDriver } from './webhook.driver';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver answering each path as told (200 by default). */
class Receiver {
  readonly received: Received[] = [];
  readonly answers = new Map<
    string,
    { status: number; headers?: Record<string, string>; body?: string; hang?: boolean }
  >();
  private server!: http.Server;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.received.push({ path: request.url ?? '', headers: request.headers, body });
        const answer = this.answers.get(request.url ?? '') ?? { status: 200 };
        if (answer.hang) return;
        response.writeHead(answer.status, answer.headers).end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function driverWith(webhook: HeraldConfig['webhook']): WebhookDriver {
  return new WebhookDriver({ webhook } as HeraldConfig);
}

function context(webhookUrl: string, payload: Record<string, unknown> = { event: 'test' }): DeliveryContext {
  return {
    deliveryId: `dlv_${randomBytes(6).toString('hex')}`,
    notificationId: 'ntf_1',
    channel: 'webhook',
    attempt: 1,
    address: { webhookUrl },
    content: { payload },
    priority: 'normal',
  };
}

describe('WebhookDriver', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  let receiver: Receiver;
  const drivers: WebhookDriver[] = [];
  const make = (webhook: HeraldConfig['webhook']) => {
    const driver = driverWith(webhook);
    drivers.push(driver);
    return driver;
  };

  beforeAll(async () => {
    receiver = await new Receiver().start();
  });
  afterEach(() => {
    receiver.received.length = 0;
    receiver.answers.clear();
  });
  afterAll(async () => {
    for (const driver of drivers) driver.beforeApplicationShutdown();
    await receiver.stop();
  });

  it('posts the payload as JSON, signed so that standardwebhooks verifies it', async () => {
    const driver = make({ secret, allowPrivate: true });
    const ctx = context(receiver.url('/hook?tenant=7'), { event: 'order.shipped', order: 'A-1', nested: { ok: true } });
    const before = Math.floor(Date.now() / 1000);
    await expect(driver.send(ctx)).resolves.toEqual({ status: 'delivered', providerMessageId: ctx.deliveryId });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request.path).toBe('/hook?tenant=7');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toBe(ctx.deliveryId);
    expect(Number(request.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toEqual({
      event: 'order.shipped',
      order: 'A-1',
      nested: { ok: true },
    });
    // A different secret does not verify: the signature really depends on the key.
    expect(() =>
      new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(
        request.body,
        request.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('sends unsigned, with the id and timestamp, when no secret is configured', async () => {
    const driver = make({ secret: undefined, allowPrivate: true });
    const ctx = context(receiver.url('/unsigned'));
    await expect(driver.send(ctx)).resolves.toMatchObject({ status: 'delivered' });
    const [request] = receiver.received;
    expect(request.headers['webhook-id']).toBe(ctx.deliveryId);
    expect(request.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(request.headers['webhook-signature']).toBeUndefined();
    expect(JSON.parse(request.body)).toEqual({ event: 'test' });
  });

  it('keeps the same webhook-id on a retry and signs each attempt', async () => {
    const driver = make({ secret, allowPrivate: true });
    receiver.answers.set('/flaky', { status: 503, headers: { 'retry-after': '2' }, body: 'down for maintenance' });
    const ctx = context(receiver.url('/flaky'));
    const first = await driver.send(ctx).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(TransientDeliveryError);
    expect(first).toMatchObject({ message: 'HTTP 503: down for maintenance', retryAfterMs: 2000 });
    receiver.answers.delete('/flaky');
    await expect(driver.send({ ...ctx, attempt: 2 })).resolves.toMatchObject({ status: 'delivered' });
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([ctx.deliveryId, ctx.deliveryId]);
    for (const request of receiver.received) {
      expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    }
  });

  it.each([
    [429, TransientDeliveryError],
    [408, TransientDeliveryError],
    [500, TransientDeliveryError],
    [400, PermanentDeliveryError],
    [404, PermanentDeliveryError],
    [410, PermanentDeliveryError],
  ])('classifies HTTP %i', async (status, kind) => {
    receiver.answers.set('/status', { status, body: `answer ${status}` });
    const error = await make({ secret, allowPrivate: true })
      .send(context(receiver.url('/status')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(kind);
    expect((error as Error).message).toBe(`HTTP ${status}: answer ${status}`);
  });

  it('does not follow a redirect: a 3xx fails for good and the target is never asked', async () => {
    receiver.answers.set('/moved', { status: 302, headers: { location: receiver.url('/elsewhere') } });
    const error = await make({ secret, allowPrivate: true })
      .send(context(receiver.url('/moved')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toBe(`HTTP 302: redirect to ${receiver.url('/elsewhere')} not followed`);
    expect(receiver.received.map((r) => r.path)).toEqual(['/moved']);
  });

  it('treats a refused connection as transient', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await make({ secret, allowPrivate: true })
      .send(context(`http://127.0.0.1:${port}/`))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as Error).message).toMatch(/^request failed: connect ECONNREFUSED/);
  });

  it('refuses a URL that is not http(s) or has no payload, for good', async () => {
    const driver = make({ secret, allowPrivate: true });
    await expect(driver.send(context('ftp://127.0.0.1/x'))).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(driver.send({ ...context(receiver.url('/x')), content: {} })).rejects.toBeInstanceOf(
      PermanentDeliveryError,
    );
    expect(receiver.received).toEqual([]);
  });

  // The accept-time URL validator refuses some of these spellings already; the driver must hold on its own.
  it.each(['127.0.0.1', '127.1', '0x7f.0.0.1', '0177.0.0.1', '2130706433', '[::ffff:127.0.0.1]', 'localhost'])(
    'with private targets not allowed, refuses http://%s:<port>/ and the receiver gets nothing',
    async (host) => {
      const error = await make({ secret, allowPrivate: false })
        .send(context(receiver.url('/private', host)))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentDeliveryError);
      expect((error as Error).message).toMatch(/^target address \S+ (of "localhost" )?is private \(.*loopback\)/);
      expect(receiver.received).toEqual([]);
    },
  );
});

describe('postJson', () => {
  it('gives up after the timeout when the receiver never answers', async () => {
    const receiver = await new Receiver().start();
    receiver.answers.set('/slow', { status: 200, hang: true });
    try {
      const started = Date.now();
      await expect(
        postJson(
          new URL(receiver.url('/slow')),
          '{}',
          {},
          {
            lookup: pinnedLookup([{ address: '127.0.0.1', family: 4 }]),
            timeoutMs: 200,
          },
        ),
      ).rejects.toThrow('no answer within 200 ms');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.stop();
    }
  });

  it('reads only the start of a large answer', async () => {
    const receiver = await new Receiver().start();
    receiver.answers.set('/big', { status: 400, body: 'x'.repeat(100_000) });
    try {
      const answer = await postJson(
        new URL(receiver.url('/big')),
        '{}',
        {},
        {
          lookup: pinnedLookup([{ address: '127.0.0.1', family: 4 }]),
          timeoutMs: 5000,
        },
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toHaveLength(4096);
    } finally {
      await receiver.stop();
    }
  });
});
