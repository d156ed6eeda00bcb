import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { twilioSignature } from '@herald/notifications';

export interface TwilioRequest {
  at: number;
  path: string;
  contentType: string | undefined;
  form: Record<string, string>;
  /** What this server answered: 201 and the message sid for an accepted message. */
  status: number;
  sid?: string;
}

export interface TwilioAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function twilioError(status: number, code: number, message: string): TwilioAnswer {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

/**
 * A Twilio-shaped Messages endpoint on 127.0.0.1: checks the account path and
 * basic auth the way Twilio does, parses the form and answers like Twilio.
 * Answers can be scripted per `To` number; once a script is used up it accepts.
 */
export class TwilioFake {
  readonly accountSid = `AC${randomBytes(16).toString('hex')}`;
  authToken = randomBytes(16).toString('hex');
  readonly requests: TwilioRequest[] = [];
  readonly scripts = new Map<string, TwilioAnswer[]>();
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  to(phone: string): TwilioRequest[] {
    return this.requests.filter((r) => r.form.To === phone);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const answer = this.answer(req, form);
    this.requests.push({
      at: Date.now(),
      path: req.url ?? '',
      contentType: req.headers['content-type'],
      form,
      status: answer.status,
      sid: answer.status === 201 ? String(answer.body.sid) : undefined,
    });
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  /**
   * What Twilio does once a message it accepted moves on: a signed POST of its status to the message's
   * `StatusCallback` (or `fallbackCallbackUrl`, for sends that named none), through `reach` (the URL Herald
   * listens on for the public URL Twilio was given). Answers Herald's response.
   */
  async reportStatus(
    request: TwilioRequest,
    fields: Record<string, string>,
    herald: { reach: (publicUrl: string) => string; fallbackCallbackUrl: string; forge?: boolean },
  ): Promise<Response> {
    const url = request.form.StatusCallback ?? herald.fallbackCallbackUrl;
    const form = {
      AccountSid: this.accountSid,
      MessageSid: request.sid!,
      SmsSid: request.sid!,
      To: request.form.To,
      From: request.form.From,
      ApiVersion: '2010-04-01',
      ...fields,
    };
    return this.callWebhook(url, form, herald);
  }

  /** A signed webhook as Twilio posts it (form-encoded, X-Twilio-Signature); `forge` signs with another token. */
  async callWebhook(
    url: string,
    form: Record<string, string>,
    herald: { reach: (publicUrl: string) => string; forge?: boolean },
  ): Promise<Response> {
    const token = herald.forge ? `forged-${this.authToken}` : this.authToken;
    return fetch(herald.reach(url), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(token, url, Object.entries(form)),
      },
      body: new URLSearchParams(form),
    });
  }

  private answer(req: IncomingMessage, form: Record<string, string>): TwilioAnswer {
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return twilioError(401, 20003, 'Authenticate');
    if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${this.accountSid}/Messages.json`) {
      return twilioError(404, 20404, 'The requested resource was not found');
    }
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      return twilioError(400, 20001, 'Unsupported content type');
    }
    if (!form.To) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!form.From) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!form.Body) return twilioError(400, 21602, 'Message body is required.');
    const scripted = this.scripts.get(form.To)?.shift();
    if (scripted) return scripted;
    const sid = `SM${randomBytes(16).toString('hex')}`;
    return {
      status: 201,
      body: {
        sid,
        account_sid: this.accountSid,
        to: form.To,
        from: form.From,
        body: form.Body,
        status: 'queued',
        num_segments: '1',
        direction: 'outbound-api',
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
      },
    };
  }
}
