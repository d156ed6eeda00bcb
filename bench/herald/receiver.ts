import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

interface Receipt {
  /** performance.now() when the webhook arrived. */
  at: number;
  /** performance.now() when the bench sent the notification, carried in its data; NaN when not given. */
  sentAt: number;
}

/**
 * The local webhook receiver: a plain `node:http` server answering 200, counting deliveries by `webhook-id`
 * (duplicates counted apart: Herald must not send one twice).
 */
export class WebhookReceiver {
  readonly receipts = new Map<string, Receipt>();
  duplicates = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const at = performance.now();
        const id = request.headers['webhook-id'];
        if (typeof id === 'string') {
          if (this.receipts.has(id)) this.duplicates++;
          else this.receipts.set(id, { at, sentAt: sentAt(Buffer.concat(chunks)) });
        }
        response.writeHead(200).end();
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  get count(): number {
    return this.receipts.size;
  }

  /** How many of `ids` have arrived. */
  received(ids: Iterable<string>): number {
    let n = 0;
    for (const id of ids) if (this.receipts.has(id)) n++;
    return n;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function sentAt(body: Buffer): number {
  try {
    return Number((JSON.parse(body.toString()) as { sentAt?: string }).sentAt ?? NaN);
  } catch {
    return NaN;
  }
}
