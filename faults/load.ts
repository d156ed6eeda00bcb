import { randomBytes } from 'node:crypto';
import { adminRequest } from './admin';

const BATCH = 100;
const PARALLEL_BATCHES = 2;

/** An item of the batch's answer: a notification accepted, a send digested, or a refusal. */
export type BatchItem =
  | { id: string; deliveries: { id: string; channel: string }[] }
  | { status: 'digested'; digestId: string }
  | { error: { status: number } };

/**
 * Sends `total` webhook notifications through the batch endpoint, each with an idempotency key of its own, and
 * sends a batch again until every item is accepted: a fault that refuses or drops a request (the api cut from
 * PostgreSQL, say) then costs time, never a notification and never a second one. Returns the ids of the
 * accepted webhook deliveries, which are the `webhook-id`s the receiver must see.
 */
export async function sendAll(
  baseUrl: string,
  adminKey: string,
  webhookUrl: string,
  total: number,
  deadline: number,
): Promise<Set<string>> {
  const run = randomBytes(4).toString('hex');
  const accepted = new Set<string>();
  let next = 0;
  const sendBatch = async (first: number) => {
    const items = [];
    for (let seq = first; seq < Math.min(first + BATCH, total); seq++) {
      items.push({
        content: { webhook: { payload: { run, seq } } },
        to: { webhookUrl },
        idempotencyKey: `faults-${run}-${seq}`,
      });
    }
    for (const item of await acceptEvery(baseUrl, adminKey, items, deadline)) {
      if ('deliveries' in item) for (const delivery of item.deliveries) accepted.add(delivery.id);
    }
  };
  await Promise.all(
    Array.from({ length: PARALLEL_BATCHES }, async () => {
      while (next < total) {
        const first = next;
        next += BATCH;
        await sendBatch(first);
      }
    }),
  );
  return accepted;
}

/**
 * Posts `items` (each with its `idempotencyKey`) as one batch, and the ones not accepted yet again, until every
 * one is: answers each item's acceptance, in order. A refusal other than a 5xx or a 409 (the key still held by
 * a request the fault cut) throws, as does the deadline.
 */
export async function acceptEvery(
  baseUrl: string,
  adminKey: string,
  items: object[],
  deadline: number,
): Promise<BatchItem[]> {
  const answers = new Array<BatchItem>(items.length);
  let pending = items.map((_, index) => index);
  while (pending.length) {
    if (Date.now() > deadline) throw new Error(`${pending.length} sends still not accepted at the deadline`);
    // Undefined when the api did not answer the batch whole (unreachable, 5xx, 429): sent again.
    const answer = await adminRequest<{ items: BatchItem[] }>(baseUrl, adminKey, 'POST', '/v1/notifications/batch', {
      notifications: pending.map((index) => items[index]),
    });
    if (!answer) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    const refused: number[] = [];
    answer.items.forEach((item, position) => {
      const index = pending[position];
      if ('error' in item) {
        if (item.error.status < 500 && item.error.status !== 409) {
          throw new Error(`send refused: ${JSON.stringify(item.error)}`);
        }
        refused.push(index);
      } else answers[index] = item;
    });
    pending = refused;
    // A key held by a request the fault cut stays held until that request's release gets through.
    if (pending.length) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return answers;
}
