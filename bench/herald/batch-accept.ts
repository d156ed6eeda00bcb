import { waitDelivered } from './drain';
import { HeraldStack } from './herald-stack';
import { sendBatch } from './send';

/** `batches` × `size` items through the batch route, one after the other: notifications accepted per second. */
export async function batchAccept(stack: HeraldStack, batches: number, size: number): Promise<number> {
  const ids: string[] = [];
  const started = performance.now();
  for (let i = 0; i < batches; i++) ids.push(...(await sendBatch(stack.target, size, i * size)));
  const rate = ids.length / ((performance.now() - started) / 1000);
  await waitDelivered(stack, ids, 'batch accept');
  return rate;
}
