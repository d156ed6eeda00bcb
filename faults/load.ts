import { randomBytes } from 'node:crypto';

const BATCH = 100;
const PARALLEL_BATCHES = 2;

interface BatchAnswer {
  items: ({ id: string; deliveries: { id: string; channel: string }[] } | { error: { status: number } })[];
}

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
    const pending = new Map<number, object>();
    for (let seq = first; seq < Math.min(first + BATCH, total); seq++) {
      pending.set(seq, {
        content: { webhook: { payload: { run, seq } } },
        to: { webhookUrl },
        idempotencyKey: `faults-${run}-${seq}`,
      });
    }
    while (pending.size) {
      if (Date.now() > deadline) throw new Error(`${pending.size} notifications still not accepted at the deadline`);
      const seqs = [...pending.keys()];
      const answer = await post(
        baseUrl,
        adminKey,
        seqs.map((seq) => pending.get(seq)!),
      );
      if (!answer) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      answer.items.forEach((item, index) => {
        if ('error' in item) {
          if (item.error.status < 500 && item.error.status !== 409) {
            throw new Error(`notification refused: ${JSON.stringify(item.error)}`);
          }
          return;
        }
        for (const delivery of item.deliveries) accepted.add(delivery.id);
        pending.delete(seqs[index]);
      });
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

/** The batch's answer, or undefined when the api did not answer it whole (unreachable, 5xx, 429). */
async function post(baseUrl: string, adminKey: string, notifications: object[]): Promise<BatchAnswer | undefined> {
  try {
    const response = await fetch(`${baseUrl}/v1/notifications/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ notifications }),
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status >= 500 || response.status === 429) return undefined;
    if (response.status >= 400) throw new Error(`batch refused: ${response.status} ${await response.text()}`);
    return (await response.json()) as BatchAnswer;
  } catch (error) {
    if ((error as Error).message.startsWith('batch refused')) throw error;
    return undefined;
  }
}
