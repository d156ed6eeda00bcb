import { waitDelivered } from './drain';
import { HeraldStack } from './herald-stack';
import { sendBatch } from './send';

/** `batches` × `size` through the batch route: deliveries per second from the first 202 to the last webhook. */
export async function endToEnd(stack: HeraldStack, batches: number, size: number): Promise<number> {
  const ids = await sendBatch(stack.target, size);
  const firstAccepted = performance.now();
  for (let i = 1; i < batches; i++) ids.push(...(await sendBatch(stack.target, size, i * size)));
  await waitDelivered(stack, ids, 'end to end');
  const last = Math.max(...ids.map((id) => stack.receiver.receipts.get(id)!.at));
  return ids.length / ((last - firstAccepted) / 1000);
}
