import { randomBytes } from 'node:crypto';
import type { Installation } from '../test/support/installation';
import { adminRequest, prepared } from './admin';
import type { FaultReceiver } from './receiver';
import { until } from './until';

const TOPIC = 'faults-topic';
const TEMPLATE = 'faults-broadcast';
/** Topic subscriptions per request: the route's most. */
const SUBSCRIBE_PAGE = 1_000;

export interface LoadOutcome {
  /** `name=value` pairs for the scenario's line. */
  line: string;
  failures: string[];
  /** Its webhook deliveries (their ids), which the receiver may see. */
  deliveryIds: Set<string>;
  duplicates: number;
}

/**
 * The broadcast in flight at the fault: a topic of `subscribers` stored recipients, each with a webhook URL of
 * its own on the receiver (`/b/<recipient>`, so the receiver tells who got what), sent to once the plain load is
 * under way. Afterwards the broadcast must be `completed` with one notification per subscriber, and every
 * subscriber's webhook received, from one delivery only.
 */
export class BroadcastLoad {
  private broadcastId?: string;
  /** Notifications the fan-out had made when the fault struck. */
  createdAtFault = 0;

  constructor(
    private readonly installation: Installation,
    private readonly receiver: FaultReceiver,
    private readonly subscribers: number,
  ) {}

  /** The template, the recipients (inserted in one statement: thousands of PUTs would be slow) and the topic. */
  async prepare(): Promise<void> {
    const ids = Array.from({ length: this.subscribers }, (_, n) => `faults-b-${String(n).padStart(5, '0')}`);
    await this.installation.query(
      `INSERT INTO recipients (id, webhook_url) SELECT id, url FROM unnest($1::text[], $2::text[]) AS r(id, url)`,
      [ids, ids.map((id) => this.receiver.url(`/b/${id}`))],
    );
    const { baseUrl, adminKey } = this.installation;
    await prepared(baseUrl, adminKey, `/v1/admin/templates/${TEMPLATE}`, {
      name: 'Fault broadcast',
      channels: { webhook: { payload: { kind: 'broadcast' } } },
    });
    await prepared(baseUrl, adminKey, `/v1/topics/${TOPIC}`, { name: 'Fault topic' });
    for (let start = 0; start < ids.length; start += SUBSCRIBE_PAGE) {
      await prepared(baseUrl, adminKey, `/v1/topics/${TOPIC}/subscribers`, {
        recipientIds: ids.slice(start, start + SUBSCRIBE_PAGE),
      });
    }
  }

  /** Sends the broadcast (again, with its idempotency key, until the api accepts it). */
  async send(deadline: number): Promise<void> {
    const body = {
      template: TEMPLATE,
      to: { topic: TOPIC },
      idempotencyKey: `faults-b-${randomBytes(4).toString('hex')}`,
    };
    await until(
      async () => {
        const { baseUrl, adminKey } = this.installation;
        const answer = await adminRequest<{ broadcastId: string }>(
          baseUrl,
          adminKey,
          'POST',
          '/v1/notifications',
          body,
        );
        this.broadcastId = answer?.broadcastId;
        return Boolean(answer);
      },
      { timeoutMs: deadline - Date.now(), intervalMs: 250, what: 'the broadcast to be accepted' },
    );
  }

  /** Resolves once the fan-out has stored its first page (or ended): the fault then strikes it mid-way. */
  async underWay(): Promise<void> {
    await until(async () => (this.createdAtFault = (await this.row())?.created ?? 0) > 0, {
      timeoutMs: 60_000,
      intervalMs: 10,
      what: 'the fan-out to be under way',
    });
  }

  /** The fan-out is over and every subscriber's webhook came in. */
  async settled(): Promise<boolean> {
    const row = await this.row();
    if (row?.status !== 'completed') return false;
    return new Set([...this.receiver.under('/b/').values()].map((message) => message.path)).size >= row.created;
  }

  async outcome(): Promise<LoadOutcome> {
    const failures: string[] = [];
    const row = await this.row();
    const notified = await this.installation.query<{ recipient_id: string; delivery_id: string }>(
      `SELECT n.recipient_id, d.id AS delivery_id FROM notifications n JOIN deliveries d ON d.notification_id = n.id
       WHERE n.broadcast_id = $1`,
      [this.broadcastId],
    );
    const deliveryIds = new Set(notified.map((r) => r.delivery_id));
    const perRecipient = new Map<string, number>();
    for (const { recipient_id } of notified) perRecipient.set(recipient_id, (perRecipient.get(recipient_id) ?? 0) + 1);
    const twice = [...perRecipient.values()].filter((n) => n > 1).length;
    const missing = this.subscribers - perRecipient.size;

    const received = this.receiver.under('/b/');
    const lost = [...deliveryIds].filter((id) => !received.has(id)).length;
    const idsPerPath = new Map<string, number>();
    let duplicates = 0;
    for (const message of received.values()) {
      idsPerPath.set(message.path, (idsPerPath.get(message.path) ?? 0) + 1);
      duplicates += message.count - 1;
    }
    const webhookTwice = [...idsPerPath.values()].filter((n) => n > 1).length;

    if (row?.status !== 'completed') failures.push(`the broadcast is ${row?.status ?? 'missing'}, not completed`);
    if (row && (row.total !== this.subscribers || row.created !== this.subscribers || row.skipped !== 0)) {
      failures.push(`the broadcast counts total=${row.total} created=${row.created} skipped=${row.skipped}`);
    }
    if (this.createdAtFault >= this.subscribers) failures.push('the fan-out was over before the fault struck');
    if (twice > 0) failures.push(`${twice} subscribers with more than one broadcast notification`);
    if (missing > 0) failures.push(`${missing} subscribers without a broadcast notification`);
    if (lost > 0) failures.push(`${lost} broadcast deliveries never reached the receiver`);
    if (webhookTwice > 0) failures.push(`${webhookTwice} subscribers received webhooks of two deliveries`);
    const line =
      `broadcast_created=${row?.created ?? 0}/${this.subscribers} broadcast_at_fault=${this.createdAtFault} ` +
      `broadcast_notified=${perRecipient.size} broadcast_lost=${lost} broadcast_duplicates=${duplicates}`;
    return { line, failures, deliveryIds, duplicates };
  }

  private async row(): Promise<{ status: string; total: number; created: number; skipped: number } | undefined> {
    if (!this.broadcastId) return undefined;
    const [row] = await this.installation.query<{ status: string; total: number; created: number; skipped: number }>(
      `SELECT status, total, created, skipped FROM broadcasts WHERE id = $1`,
      [this.broadcastId],
    );
    return row;
  }
}
