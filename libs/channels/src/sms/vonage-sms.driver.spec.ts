import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeraldConfig, loadConfig } from '@herald/core';
import { DeliveryContext } from '../channel-driver';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { VonageSmsDriver } from './vonage-sms.driver';

type Responder = (res: ServerResponse) => void;

function vonageAnswer(...statuses: string[]): Responder {
  return (res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        'message-count': String(statuses.length),
        messages: statuses.map((status, index) =>
          status === '0'
            ? { to: '14155550123', 'message-id': `0A0000000000000${index}`, status }
            : { status, 'error-text': `error ${status}` },
        ),
      }),
    );
}

/** A Vonage-shaped peer that records the forms it received. */
class Peer {
  seen: { path: string; form: Record<string, string> }[] = [];
  respond: Responder = vonageAnswer('0');
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    this.seen.push({ path: req.url ?? '', form: Object.fromEntries(new URLSearchParams(raw)) });
    this.respond(res);
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
class TimedVonageSmsDriver extends VonageSmsDriver {
  constructor(
    config: HeraldConfig,
    protected readonly timeoutMs: number,
  ) {
    super(config);
  }
}

function driver(baseUrl: string, from = '+15005550006', timeoutMs = 10_000): VonageSmsDriver {
  return new TimedVonageSmsDriver(
    loadConfig({ VONAGE_API_KEY: 'key', VONAGE_API_SECRET: 'secret', VONAGE_FROM: from, VONAGE_BASE_URL: baseUrl }),
    timeoutMs,
  );
}

function context(text = 'Code 123'): DeliveryContext {
  return {
    deliveryId: 'd1',
    notificationId: 'n1',
    channel: 'sms',
    attempt: 1,
    address: { phone: '+14155550123' },
    content: { text },
    priority: 'normal',
  };
}

describe('VonageSmsDriver', () => {
  const peer = new Peer();
  beforeAll(() => peer.start());
  afterAll(() => peer.stop());
  afterEach(() => {
    peer.seen = [];
    peer.respond = vonageAnswer('0');
  });

  it('posts the form to {base}/sms/json with numbers without their +, and returns the message id', async () => {
    await expect(driver(`${peer.url}/proxy`).send(context())).resolves.toEqual({
      status: 'sent',
      providerMessageId: '0A00000000000000',
    });
    expect(peer.seen).toEqual([
      {
        path: '/proxy/sms/json',
        form: { api_key: 'key', api_secret: 'secret', from: '15005550006', to: '14155550123', text: 'Code 123' },
      },
    ]);
  });

  it('keeps an alphanumeric sender and asks for unicode only for text outside ASCII', async () => {
    await driver(peer.url, 'Herald').send(context('Code 123 – ça marche'));
    expect(peer.seen[0].form).toMatchObject({ from: 'Herald', text: 'Code 123 – ça marche', type: 'unicode' });
  });

  it.each([
    ['1', 'throttled'],
    ['5', 'internal error'],
    ['9', 'out of credit'],
    ['10', 'too many connections'],
  ])('treats status %s (%s) as transient', async (status) => {
    peer.respond = vonageAnswer(status);
    const error = await driver(peer.url)
      .send(context())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as Error).message).toBe(`Vonage status ${status}: error ${status}`);
  });

  it.each([
    ['2', 'missing parameters'],
    ['3', 'invalid parameters'],
    ['4', 'invalid credentials'],
    ['6', 'invalid message'],
    ['7', 'number barred'],
    ['15', 'invalid sender'],
    ['29', 'non-whitelisted destination'],
  ])('treats status %s (%s) as permanent', async (status) => {
    peer.respond = vonageAnswer(status);
    await expect(driver(peer.url).send(context())).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  it('fails when one part of a long text was refused', async () => {
    peer.respond = vonageAnswer('0', '5');
    await expect(driver(peer.url).send(context())).rejects.toThrow('Vonage status 5: error 5');
  });

  it('retries a 200 without message statuses: nobody knows whether it went out', async () => {
    peer.respond = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>');
    await expect(driver(peer.url).send(context())).rejects.toBeInstanceOf(TransientDeliveryError);
  });

  it('classifies HTTP errors like every provider: 5xx transient, 401 permanent', async () => {
    peer.respond = (res) => res.writeHead(503).end('unavailable');
    await expect(driver(peer.url).send(context())).rejects.toBeInstanceOf(TransientDeliveryError);
    peer.respond = (res) => res.writeHead(401).end('unauthorized');
    await expect(driver(peer.url).send(context())).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  it('retries when Vonage does not answer in time', async () => {
    peer.respond = () => undefined;
    await expect(driver(peer.url, undefined, 200).send(context())).rejects.toThrow(/^request failed: .*timeout/i);
  });
});
