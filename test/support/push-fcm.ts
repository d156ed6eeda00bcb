import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** The parts of an FCM v1 message this service checks and tests read (the rest as sent). */
export interface FcmMessage {
  token?: unknown;
  notification?: { title?: unknown; body?: unknown };
  data?: Record<string, string>;
  android?: { priority?: string };
  [field: string]: unknown;
}

/** The JWT claims of a service account's token request. */
interface AssertionClaims {
  iss?: string;
  aud?: string;
  scope?: string;
  iat: number;
  exp: number;
}

export interface FcmSend {
  token: string;
  body: { message: FcmMessage };
  answered: number;
  /** The message name answered with a 200. */
  name?: string;
}

const b64url = (value: string) => Buffer.from(value, 'base64url');

/**
 * FCM HTTP v1 and Google's OAuth token endpoint on 127.0.0.1. The token
 * endpoint verifies the service account's RS256 assertion with the account's
 * public key; the send endpoint takes only a token it issued, checks the
 * message, and answers 200 with a message name, or 404 UNREGISTERED for a token in `gone`.
 */
export class FcmService {
  readonly projectId = 'p';
  readonly clientEmail = 'herald@p.iam.gserviceaccount.com';
  readonly sends: FcmSend[] = [];
  readonly gone = new Set<string>();
  /** Answered on a send instead of 200 (for tokens not in `gone`), when set. */
  failWith: number | undefined;
  tokenRequests = 0;
  /** Access tokens issued; `revoke` empties it, as a revoked token would be refused. */
  readonly issued = new Set<string>();
  assertionErrors: string[] = [];
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server!: Server;
  private messages = 122;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The service account key JSON, as the Firebase console downloads it, pointing at this token endpoint. */
  credentials(): string {
    return JSON.stringify({
      type: 'service_account',
      project_id: this.projectId,
      private_key_id: 'key-1',
      private_key: this.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: this.clientEmail,
      token_uri: `${this.url}/token`,
    });
  }

  revoke(): void {
    this.issued.clear();
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    if (req.method === 'POST' && req.url === '/token') return this.token(res, body);
    if (req.method === 'POST' && req.url === `/v1/projects/${this.projectId}/messages:send`)
      return this.send(req, res, body);
    this.json(res, 404, { error: { code: 404, status: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` } });
  }

  private token(res: ServerResponse, body: string): void {
    this.tokenRequests++;
    const form = new URLSearchParams(body);
    const problem = this.checkAssertion(form);
    if (problem) {
      this.assertionErrors.push(problem);
      return this.json(res, 400, { error: 'invalid_grant', error_description: problem });
    }
    const token = `ya29.test-${randomBytes(12).toString('hex')}`;
    this.issued.add(token);
    this.json(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
  }

  private checkAssertion(form: URLSearchParams): string | undefined {
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      return `grant_type ${form.get('grant_type')}`;
    const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
    if (!signature) return 'no assertion';
    const { alg, kid } = JSON.parse(b64url(header).toString()) as { alg: string; kid?: string };
    if (alg !== 'RS256' || kid !== 'key-1') return `header alg ${alg} kid ${kid}`;
    if (!verify('sha256', Buffer.from(`${header}.${claims}`), this.keys.publicKey, b64url(signature)))
      return 'bad signature';
    const c = JSON.parse(b64url(claims).toString()) as AssertionClaims;
    const now = Date.now() / 1000;
    if (c.iss !== this.clientEmail) return `iss ${String(c.iss)}`;
    if (c.aud !== `${this.url}/token`) return `aud ${String(c.aud)}`;
    if (c.scope !== 'https://www.googleapis.com/auth/firebase.messaging') return `scope ${String(c.scope)}`;
    if (!(Math.abs(c.iat - now) < 60 && c.exp > now && c.exp - c.iat <= 3600)) return `iat ${c.iat} exp ${c.exp}`;
    return undefined;
  }

  private send(req: IncomingMessage, res: ServerResponse, text: string): void {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !this.issued.has(bearer)) {
      return this.json(res, 401, {
        error: { code: 401, status: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' },
      });
    }
    const body = JSON.parse(text) as { message?: FcmMessage };
    const { message } = body;
    if (
      typeof message?.token !== 'string' ||
      typeof message.notification?.title !== 'string' ||
      typeof message.notification?.body !== 'string'
    ) {
      return this.json(res, 400, { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'bad message' } });
    }
    const send: FcmSend = { token: message.token, body: { message }, answered: 200 };
    this.sends.push(send);
    if (this.gone.has(message.token)) {
      send.answered = 404;
      return this.json(res, 404, {
        error: {
          code: 404,
          message: 'Requested entity was not found.',
          status: 'NOT_FOUND',
          details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
        },
      });
    }
    if (this.failWith) {
      send.answered = this.failWith;
      return this.json(res, this.failWith, {
        error: { code: this.failWith, status: 'UNAVAILABLE', message: 'try later' },
      });
    }
    send.name = `projects/${this.projectId}/messages/${++this.messages}`;
    this.json(res, 200, { name: send.name });
  }
}
