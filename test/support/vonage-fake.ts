import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface VonageRequest {
  path: string;
  form: Record<string, string>;
  /** The per-message status it answered: "0" accepted, with its message id. */
  status: string;
  messageId?: string;
}

/**
 * A Vonage-shaped SMS API (`POST /sms/json`) on 127.0.0.1: checks the credentials and the parameters the way
 * Vonage does, and answers 200 with a per-message status. Statuses can be scripted per `to` number.
 */
export class VonageFake {
  readonly apiKey = randomBytes(4).toString('hex');
  readonly apiSecret = randomBytes(8).toString('hex');
  readonly requests: VonageRequest[] = [];
  readonly scripts = new Map<string, string[]>();
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

  /** The requests for this number, given as Herald has it (+E.164); Vonage gets it without the +. */
  to(phone: string): VonageRequest[] {
    return this.requests.filter((r) => r.form.to === phone.replace(/^\+/, ''));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    if (req.method !== 'POST' || req.url !== '/sms/json') {
      res.writeHead(404).end();
      return;
    }
    const status = this.status(form);
    const messageId = status === '0' ? randomBytes(8).toString('hex').toUpperCase() : undefined;
    this.requests.push({ path: req.url, form, status, messageId });
    const message =
      status === '0'
        ? { to: form.to, 'message-id': messageId, status, 'remaining-balance': '10.0', network: '12345' }
        : { status, 'error-text': `status ${status}` };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ 'message-count': '1', messages: [message] }));
  }

  private status(form: Record<string, string>): string {
    if (!form.api_key || !form.api_secret || !form.from || !form.to || !form.text) return '2';
    if (form.api_key !== this.apiKey || form.api_secret !== this.apiSecret) return '4';
    if (!/^\d{6,15}$/.test(form.to)) return '3';
    return this.scripts.get(form.to)?.shift() ?? '0';
  }
}
