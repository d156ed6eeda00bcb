import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** How many 503s in a row one message gets at most, so the default attempt cap always suffices. */
const MAX_REFUSALS_IN_A_ROW = 3;

/** What the receiver kept of one message (one `webhook-id`). */
export interface ReceivedMessage {
  /** 2xx answers: 1 is a delivery, more are duplicates. */
  count: number;
  /** The path after `/hook` it was sent to: `''` for the plain load, `/b/<recipient>`, `/d/<recipient>`. */
  path: string;
  /** The body of its first 2xx request. */
  body: string;
}

/**
 * The webhook endpoint of the fault suite: verifies every request as a Standard Webhooks consumer does, and
 * counts, per `webhook-id`, the requests it answered 2xx, keeping the path (which tells the loads' recipients
 * apart) and the first body. In the 503 scenario it answers 503 to each request with probability ½ (never more
 * than three times in a row for one message).
 */
export class FaultReceiver {
  /** Per webhook-id, what was answered 2xx. */
  readonly delivered = new Map<string, ReceivedMessage>();
  /** Distinct webhook-ids answered 2xx on the plain load's path (`/hook` itself). */
  plainDelivered = 0;
  /** Requests whose signature did not verify (answered 400). */
  badSignatures = 0;
  refused = 0;
  /** performance.now() of the first and the last 2xx answer: a rate over the run (the scale suite's). */
  firstDeliveredAt = 0;
  lastDeliveredAt = 0;
  /** Requests being answered right now. */
  inProgress = 0;
  refuseHalf = false;
  private readonly refusalsInARow = new Map<string, number>();
  private readonly webhook: Webhook;
  private server?: http.Server;
  port = 0;

  constructor(
    secret: string,
    /** How long each answer takes: enough that a fault always finds sends in flight. */
    private readonly answerDelayMs = 20,
  ) {
    this.webhook = new Webhook(secret);
  }

  get deliveredCount(): number {
    return this.delivered.size;
  }

  get duplicates(): number {
    let extra = 0;
    for (const { count } of this.delivered.values()) extra += count - 1;
    return extra;
  }

  /** The messages sent to paths under `prefix` (`/b/`, `/d/`), by webhook-id. */
  under(prefix: string): Map<string, ReceivedMessage> {
    return new Map([...this.delivered].filter(([, message]) => message.path.startsWith(prefix)));
  }

  /** The receiver's URL; `path` (`/b/<recipient>`) tells a load's recipients apart. */
  url(path = ''): string {
    return `http://127.0.0.1:${this.port}/hook${path}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      this.inProgress++;
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        setTimeout(() => {
          this.inProgress--;
          this.answer(request, Buffer.concat(chunks).toString('utf8'), response);
        }, this.answerDelayMs);
      });
    });
    // Workers keep connections alive; many at once.
    this.server.maxConnections = 1_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private answer(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    const id = String(request.headers['webhook-id'] ?? '');
    try {
      this.webhook.verify(body, request.headers as Record<string, string>);
    } catch {
      this.badSignatures++;
      response.writeHead(400).end('bad signature');
      return;
    }
    const inARow = this.refusalsInARow.get(id) ?? 0;
    if (this.refuseHalf && inARow < MAX_REFUSALS_IN_A_ROW && Math.random() < 0.5) {
      this.refusalsInARow.set(id, inARow + 1);
      this.refused++;
      response.writeHead(503).end('try later');
      return;
    }
    this.refusalsInARow.delete(id);
    const known = this.delivered.get(id);
    if (known) known.count++;
    else {
      const path = (request.url ?? '').replace(/^\/hook/, '');
      this.delivered.set(id, { count: 1, path, body });
      if (path === '') this.plainDelivered++;
    }
    this.lastDeliveredAt = performance.now();
    this.firstDeliveredAt ||= this.lastDeliveredAt;
    response.writeHead(204).end();
  }
}
