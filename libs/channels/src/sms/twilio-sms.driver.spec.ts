import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeraldConfig, loadConfig } from '@herald/core';
import { DeliveryContext } from '../channel-driver';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { TwilioSmsDriver } from './twilio-sms.driver';

const SID = 'AC00000000000000000000000000000001';
const STATUS_CALLBACK = 'https://herald.example.com/v1/providers/twilio/status';

interface Seen {
  path: string;
  form: Record<string, string>;
}

type Responder = (req: IncomingMessage, res: ServerResponse) => void;

const accept: Responder = (_req, res) => {
  res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: 'SM1', status: 'queued' }));
};

/** A local peer that records what it received and answers as the test tells it (201 by default). */
class Peer {
  seen: Seen[] = [];
  respond: Responder = accept;
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    this.seen.push({ path: req.url ?? '', form: Object.fromEntries(new URLSearchParams(raw)) });
    this.respond(req, res);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** The driver with a timeout of the test's choosing: short where a test waits for it, generous elsewhere (a loaded machine). */
class TimedTwilioSmsDriver extends TwilioSmsDriver {
  constructor(
    config: HeraldConfig,
    protected readonly timeoutMs: number,
  ) {
    super(config);
  }
}

function driver(baseUrl: string, from = '+15005550006', timeoutMs = 10_000): TwilioSmsDriver {
  const config = loadConfig({
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: 'token',
    TWILIO_FROM: from,
    TWILIO_BASE_URL: baseUrl,
    PUBLIC_URL: 'https://herald.example.com/',
  });
  return new TimedTwilioSmsDriver(config, timeoutMs);
}

const context: DeliveryContext = {
  deliveryId: 'd1',
  notificationId: 'n1',
  channel: 'sms',
  attempt: 1,
  address: { phone: '+14155550123' },
  content: { text: 'Code 123' },
  priority: 'normal',
};

describe('TwilioSmsDriver', () => {
  const peer = new Peer();
  beforeAll(() => peer.start());
  afterAll(() => peer.stop());
  afterEach(() => {
    peer.seen = [];
    peer.respond = accept;
  });

  it('keeps a path prefix of the base URL, asks for status callbacks at PUBLIC_URL and returns the message sid', async () => {
    await expect(driver(`${peer.url}/proxy/`).send(context)).resolves.toEqual({
      status: 'sent',
      providerMessageId: 'SM1',
    });
    expect(peer.seen).toEqual([
      {
        path: `/proxy/2010-04-01/Accounts/${SID}/Messages.json`,
        form: { To: '+14155550123', From: '+15005550006', Body: 'Code 123', StatusCallback: STATUS_CALLBACK },
      },
    ]);
  });

  it('sends a Messaging Service sender as MessagingServiceSid', async () => {
    const service = 'MG0123456789abcdef0123456789abcdef';
    await driver(peer.url, service).send(context);
    expect(peer.seen[0].form).toEqual({
      To: '+14155550123',
      MessagingServiceSid: service,
      Body: 'Code 123',
      StatusCallback: STATUS_CALLBACK,
    });
  });

  it('passes on the delay of a 503 Retry-After', async () => {
    peer.respond = (_req, res) => res.writeHead(503, { 'retry-after': '30' }).end('upstream unavailable');
    const error = await driver(peer.url)
      .send(context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({ message: 'HTTP 503: upstream unavailable', retryAfterMs: 30_000 });
  });

  it('treats a redirect as a wrong base URL: permanent', async () => {
    peer.respond = (_req, res) => res.writeHead(301, { location: 'http://127.0.0.1:1/' }).end();
    await expect(driver(peer.url).send(context)).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  it('retries when the provider does not answer in time', async () => {
    peer.respond = () => undefined;
    const error = await driver(peer.url, undefined, 200)
      .send(context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as Error).message).toMatch(/^request failed: .*timeout/i);
  });

  it('retries when the connection is refused', async () => {
    const closed = new Peer();
    await closed.start();
    const url = closed.url;
    await closed.stop();
    const error = await driver(url)
      .send(context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as Error).message).toBe('request failed: ECONNREFUSED');
  });
});
