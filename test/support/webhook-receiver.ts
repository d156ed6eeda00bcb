import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The payload when the signature verified with the `standardwebhooks` package, else the verification error. */
  verified: unknown;
  verifyError?: string;
}

/**
 * A webhook receiver on 127.0.0.1 that verifies every request as a Standard
 * Webhooks consumer would, and answers each path from a script (200 once the
 * script is used up).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly scripts = new Map<string, { status: number; headers?: Record<string, string> }[]>();
  private server!: http.Server;
  port = 0;

  constructor(private readonly secret: string) {}

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = request.headers as Record<string, string>;
        const entry: ReceivedWebhook = { path: request.url ?? '', headers, body, verified: undefined };
        try {
          entry.verified = new Webhook(this.secret).verify(body, headers);
        } catch (error) {
          entry.verifyError = (error as Error).message;
        }
        this.received.push(entry);
        const answer = this.scripts.get(entry.path)?.shift() ?? { status: 200 };
        response.writeHead(answer.status, answer.headers).end(answer.status === 200 ? 'ok' : `status ${answer.status}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Answers the next requests to `path` with these statuses, in order. */
  script(path: string, ...answers: { status: number; headers?: Record<string, string> }[]): void {
    this.scripts.set(path, answers);
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  to(path: string): ReceivedWebhook[] {
    return this.received.filter((entry) => entry.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
