import { randomBytes } from 'node:crypto';
import type { Installation } from '../test/support/installation';
import { prepared } from './admin';
import type { LoadOutcome } from './broadcast-load';
import { acceptEvery } from './load';
import type { FaultReceiver } from './receiver';

const TEMPLATE = 'faults-digest';
const RECIPIENTS = 4;
/** Seconds a digest stays open: several open and close over a scenario, some across the fault. */
const WINDOW_S = 2;
/**
 * Sends a digest holds at most: the `hot` key of each recipient gets three times the sends of `cold`, so its
 * digests mostly fill (`closing`, closed at once) while `cold`'s mostly close at the end of their window.
 */
const MAX_EVENTS = 20;
const KEYS = ['hot', 'hot', 'hot', 'cold'];
/** Batches of digest sends posted side by side: one recipient's sends join its digests concurrently. */
const STREAMS = 4;
const PAUSE_MS = 50;

/**
 * The digests open and closing at the fault: a digest template (webhook only, its payload listing every event
 * as `<key>/<seq>`) and recipients each with a webhook URL of their own on the receiver (`/d/<recipient>`),
 * sent to from the start of the load until just after the fault, in batches retried with their idempotency keys
 * as the plain load's. Afterwards every accepted send must be in exactly one closed digest of its (recipient,
 * key), each digest closed into exactly one notification whose webhook came in listing exactly its events, and
 * none left open or closing.
 */
export class DigestLoad {
  private readonly run = randomBytes(4).toString('hex');
  private seq = 0;
  private stopping = false;
  private streams?: Promise<unknown>;
  /** Every accepted send's event, as `<recipient>/<key>/<seq>`. */
  private readonly accepted = new Set<string>();
  /** Digests open or closing when the fault struck. */
  openAtFault = 0;

  constructor(
    private readonly installation: Installation,
    private readonly receiver: FaultReceiver,
  ) {}

  private get recipients(): string[] {
    return Array.from({ length: RECIPIENTS }, (_, n) => `faults-d-${n}`);
  }

  async prepare(): Promise<void> {
    const { baseUrl, adminKey } = this.installation;
    await prepared(baseUrl, adminKey, `/v1/admin/templates/${TEMPLATE}`, {
      name: 'Fault digest',
      channels: {
        webhook: { payload: { count: '{{count}}', events: '{{#each events}}{{key}}/{{seq}} {{/each}}' } },
      },
      digest: { window: WINDOW_S, key: '{{key}}', maxEvents: MAX_EVENTS },
    });
    for (const id of this.recipients) {
      await prepared(baseUrl, adminKey, `/v1/recipients/${id}`, { webhookUrl: this.receiver.url(`/d/${id}`) });
    }
  }

  /** Starts sending until `stop()`; a send not accepted by `deadline` fails the load. */
  start(deadline: number): void {
    this.streams = Promise.all(Array.from({ length: STREAMS }, () => this.stream(deadline)));
    this.streams.catch(() => undefined);
  }

  /** Stops sending once the batches in flight are accepted. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.streams;
  }

  async atFault(): Promise<void> {
    const [{ open }] = await this.installation.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM digests WHERE template_key = $1 AND status <> 'closed'`,
      [TEMPLATE],
    );
    this.openAtFault = open;
  }

  /** Every digest closed, and the webhook of each one's notification came in. */
  async settled(): Promise<boolean> {
    const [{ open }] = await this.installation.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM digests WHERE template_key = $1 AND status <> 'closed'`,
      [TEMPLATE],
    );
    if (open > 0) return false;
    return (await this.deliveries()).every(({ delivery_id }) => this.receiver.delivered.has(delivery_id));
  }

  async outcome(): Promise<LoadOutcome> {
    const failures: string[] = [];
    const digests = await this.installation.query<{
      id: string;
      recipient_id: string;
      digest_key: string;
      status: string;
      event_count: number;
      max_events: number;
      notification_id: string | null;
      error: string | null;
    }>(
      `SELECT id, recipient_id, digest_key, status, event_count, max_events, notification_id, error
       FROM digests WHERE template_key = $1`,
      [TEMPLATE],
    );
    const events = await this.installation.query<{ digest_id: string; recipient_id: string; event: string }>(
      `SELECT e.digest_id, d.recipient_id, (e.data->>'key') || '/' || (e.data->>'seq') AS event
       FROM digest_events e JOIN digests d ON d.id = e.digest_id
       WHERE d.template_key = $1 AND e.data->>'run' = $2`,
      [TEMPLATE, this.run],
    );

    // Each accepted send's event in exactly one digest, of its own recipient and key.
    const stored = new Map<string, number>();
    const perDigest = new Map<string, number>();
    const digestOf = new Map(digests.map((digest) => [digest.id, digest]));
    let misfiled = 0;
    for (const { digest_id, recipient_id, event } of events) {
      const id = `${recipient_id}/${event}`;
      stored.set(id, (stored.get(id) ?? 0) + 1);
      perDigest.set(digest_id, (perDigest.get(digest_id) ?? 0) + 1);
      if (!event.startsWith(`${digestOf.get(digest_id)!.digest_key}/`)) misfiled++;
    }
    const missing = [...this.accepted].filter((id) => !stored.has(id)).length;
    const twice = [...stored.values()].filter((n) => n > 1).length;
    const unsent = [...stored.keys()].filter((id) => !this.accepted.has(id)).length;
    if (missing > 0) failures.push(`${missing} accepted digest sends in no digest`);
    if (twice > 0) failures.push(`${twice} digest sends in a digest twice`);
    if (unsent > 0) failures.push(`${unsent} digest events of sends never accepted`);
    if (misfiled > 0) failures.push(`${misfiled} digest events under another key`);

    const open = digests.filter((digest) => digest.status !== 'closed').length;
    const miscounted = digests.filter((digest) => digest.event_count !== (perDigest.get(digest.id) ?? 0)).length;
    const withoutNotification = digests.filter((digest) => digest.status === 'closed' && !digest.notification_id);
    if (open > 0) failures.push(`${open} digests still open or closing`);
    if (miscounted > 0) failures.push(`${miscounted} digests whose count is not their events'`);
    if (withoutNotification.length) {
      failures.push(
        `${withoutNotification.length} digests closed without a notification (${withoutNotification[0].error})`,
      );
    }

    // One notification per closed digest, with one webhook delivery, received listing exactly its events.
    const deliveries = await this.deliveries();
    const madeOf = new Map(digests.filter((d) => d.notification_id).map((d) => [d.notification_id!, d]));
    const notifications = new Set(deliveries.map((row) => row.notification_id));
    const strays = [...notifications].filter((id) => !madeOf.has(id)).length;
    if (strays > 0) failures.push(`${strays} digest notifications no digest names (a digest closed twice)`);
    if (deliveries.length !== notifications.size) {
      failures.push(`${deliveries.length} deliveries for ${notifications.size} digest notifications`);
    }
    const received = new Map<string, number>();
    let lost = 0;
    let wrongBody = 0;
    let duplicates = 0;
    for (const { notification_id, delivery_id } of deliveries) {
      const message = this.receiver.delivered.get(delivery_id);
      if (!message) {
        lost++;
        continue;
      }
      duplicates += message.count - 1;
      const digest = madeOf.get(notification_id);
      const payload = JSON.parse(message.body) as { count: string; events: string };
      const listed = payload.events.split(' ').filter(Boolean);
      if (!digest || message.path !== `/d/${digest.recipient_id}` || Number(payload.count) !== listed.length) {
        wrongBody++;
        continue;
      }
      for (const event of listed) {
        const id = `${digest.recipient_id}/${event}`;
        received.set(id, (received.get(id) ?? 0) + 1);
      }
    }
    const receivedTwice = [...received.values()].filter((n) => n > 1).length;
    const notReceived = [...this.accepted].filter((id) => !received.has(id)).length;
    if (lost > 0) failures.push(`${lost} digest deliveries never reached the receiver`);
    if (wrongBody > 0) failures.push(`${wrongBody} digest webhooks to the wrong recipient or miscounted`);
    if (receivedTwice > 0) failures.push(`${receivedTwice} digest events received in two digests`);
    if (notReceived > 0) failures.push(`${notReceived} accepted digest events in no received digest`);

    const full = digests.filter((digest) => digest.event_count >= digest.max_events).length;
    const line =
      `digest_events=${this.accepted.size} digests=${digests.length} digests_full=${full} ` +
      `digests_open_at_fault=${this.openAtFault} digest_lost=${lost + notReceived} digest_duplicates=${duplicates}`;
    return { line, failures, deliveryIds: new Set(deliveries.map((row) => row.delivery_id)), duplicates };
  }

  private deliveries(): Promise<{ notification_id: string; delivery_id: string }[]> {
    return this.installation.query<{ notification_id: string; delivery_id: string }>(
      `SELECT d.notification_id, d.id AS delivery_id FROM deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE n.template_key = $1`,
      [TEMPLATE],
    );
  }

  private async stream(deadline: number): Promise<void> {
    while (!this.stopping) {
      const items = this.recipients.flatMap((recipientId) =>
        KEYS.map((key) => {
          const seq = this.seq++;
          return {
            template: TEMPLATE,
            to: { recipientId },
            data: { run: this.run, key, seq },
            idempotencyKey: `faults-d-${this.run}-${seq}`,
          };
        }),
      );
      const answers = await acceptEvery(this.installation.baseUrl, this.installation.adminKey, items, deadline);
      answers.forEach((answer, index) => {
        if (!('digestId' in answer)) throw new Error(`a digest send was not digested: ${JSON.stringify(answer)}`);
        const { to, data } = items[index];
        this.accepted.add(`${to.recipientId}/${data.key}/${data.seq}`);
      });
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }
}
