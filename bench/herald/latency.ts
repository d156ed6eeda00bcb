import { percentile } from '../support/stats';
import { sleep } from '../support/wait';
import { waitDelivered } from './drain';
import { HeraldStack } from './herald-stack';
import { sendOne } from './send';

export interface Latency {
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Open loop: single sends at a fixed `rate` for `seconds`, each on schedule whether or not the earlier ones were
 * answered; latency from the send to the webhook's arrival at the receiver.
 */
export async function acceptToDelivered(stack: HeraldStack, rate: number, seconds: number): Promise<Latency> {
  const total = Math.max(1, Math.round(rate * seconds));
  const started = performance.now();
  const sends: Promise<string>[] = [];
  // Caught at once: a send refused while later ones are still being scheduled must not go unhandled.
  let failure: Error | undefined;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (failure) break;
    sends.push(sendOne(stack.target, i, performance.now()).catch((error: Error) => ((failure ??= error), '')));
  }
  const ids = await Promise.all(sends);
  if (failure) throw failure;
  await waitDelivered(stack, ids, 'accept → delivered');
  const latencies = ids.map((id) => {
    const receipt = stack.receiver.receipts.get(id)!;
    return receipt.at - receipt.sentAt;
  });
  return { rate, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}
