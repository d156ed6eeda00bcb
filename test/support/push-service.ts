import { execFileSync } from 'node:child_process';
import { createECDH, createPublicKey, ECDH, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decrypt } from 'http_ece';

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI (node:crypto cannot issue certificates). */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-push-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a browser keeps for one subscription: its ECDH key pair and auth secret. */
export interface BrowserKeys {
  ecdh: ECDH;
  auth: Buffer;
}

export interface WebPushSubscriptionJson {
  type: 'webpush';
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  name: string;
  headers: IncomingHttpHeaders;
  ttl?: string;
  urgency?: string;
  contentEncoding?: string;
  /** The `k=` of the VAPID Authorization header. */
  vapidKey?: string;
  vapidClaims?: { aud: string; exp: number; sub: string };
  /** Why the VAPID check failed, when it did (answered 403). */
  vapidError?: string;
  /** The decrypted payload, parsed as JSON. */
  payload?: unknown;
  answered: number;
  /** The Location answered with a 201: the message resource. */
  location?: string;
}

const b64url = (value: string) => Buffer.from(value, 'base64url');

function p256Key(raw: Buffer) {
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
}

/**
 * A Web Push service (RFC 8030) over HTTPS on 127.0.0.1. It checks the VAPID
 * JWT (RFC 8292: ES256, signed by the key in `k=`, audience = this origin,
 * expiry within 24 h), decrypts the aes128gcm body (RFC 8291) with the
 * browser's keys, and answers what `reply` says for the subscription (201 by default).
 */
export class PushService {
  readonly received: ReceivedPush[] = [];
  /** Per subscription name: the status to answer (404/410 gone, 5xx transient). */
  readonly reply = new Map<string, number>();
  readonly certificate = selfSignedCertificate();
  private readonly browsers = new Map<string, BrowserKeys>();
  private server!: Server;
  private messages = 0;
  origin = '';

  async start(): Promise<this> {
    this.server = createServer({ key: this.certificate.key, cert: this.certificate.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const { status, location } = this.handle(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks));
        res.writeHead(status, location ? { location } : {});
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** A new browser subscription, as `PushSubscription.toJSON()` would give it (plus Herald's `type`). */
  subscribe(name: string): WebPushSubscriptionJson {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.browsers.set(name, { ecdh, auth });
    return {
      type: 'webpush',
      endpoint: `${this.origin}/push/${name}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    };
  }

  pushesTo(name: string): ReceivedPush[] {
    return this.received.filter((push) => push.name === name);
  }

  private handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): { status: number; location?: string } {
    const name = /^\/push\/([\w-]+)$/.exec(url)?.[1];
    const browser = name ? this.browsers.get(name) : undefined;
    if (method !== 'POST' || !name || !browser) return { status: 404 };
    const push: ReceivedPush = {
      name,
      headers,
      ttl: headers.ttl as string | undefined,
      urgency: headers.urgency as string | undefined,
      contentEncoding: headers['content-encoding'],
      answered: 0,
    };
    this.received.push(push);
    try {
      const vapid = this.checkVapid(headers.authorization);
      push.vapidKey = vapid.key;
      push.vapidClaims = vapid.claims;
    } catch (error) {
      push.vapidError = (error as Error).message;
      return { status: (push.answered = 403) };
    }
    push.payload = JSON.parse(
      decrypt(body, { version: 'aes128gcm', privateKey: browser.ecdh, authSecret: browser.auth }).toString('utf8'),
    );
    push.answered = this.reply.get(name) ?? 201;
    if (push.answered !== 201) return { status: push.answered };
    push.location = `${this.origin}/messages/${++this.messages}`;
    return { status: 201, location: push.location };
  }

  private checkVapid(authorization: string | undefined): {
    key: string;
    claims: { aud: string; exp: number; sub: string };
  } {
    const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
    if (!match) throw new Error(`no VAPID authorization: ${authorization}`);
    const [, jwt, key] = match;
    const [header, claims, signature] = jwt.split('.');
    const { alg, typ } = JSON.parse(b64url(header).toString()) as { alg: string; typ: string };
    if (alg !== 'ES256' || typ !== 'JWT') throw new Error(`JWT header ${alg}/${typ}`);
    const ok = verify(
      'sha256',
      Buffer.from(`${header}.${claims}`),
      { key: p256Key(b64url(key)), dsaEncoding: 'ieee-p1363' },
      b64url(signature),
    );
    if (!ok) throw new Error('VAPID signature does not verify with k');
    const parsed = JSON.parse(b64url(claims).toString()) as { aud: string; exp: number; sub: string };
    if (parsed.aud !== this.origin) throw new Error(`aud ${parsed.aud} is not ${this.origin}`);
    const now = Date.now() / 1000;
    if (!(parsed.exp > now && parsed.exp <= now + 24 * 3600)) throw new Error(`exp ${parsed.exp} out of range`);
    if (!/^(mailto:|https:)/.test(parsed.sub)) throw new Error(`sub ${parsed.sub}`);
    return { key, claims: parsed };
  }
}
