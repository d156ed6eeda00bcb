import { autocannon } from '../support/autocannon';
import { waitReceived } from './drain';
import { HeraldStack } from './herald-stack';
import { headers, notification } from './send';

export interface SingleAccept {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** The body and headers of the single-accept load, which the bare `node:http` baseline gets too. */
export function singleAcceptLoad(stack: HeraldStack) {
  return { body: JSON.stringify(notification(stack.target, 0)), headers: headers(stack.target.key) };
}

/**
 * `POST /v1/notifications` under autocannon (template send, the worker delivering meanwhile), after a short
 * warm-up; then waits until everything accepted has been delivered. Any non-202 or socket error is an error.
 */
export async function singleAccept(
  stack: HeraldStack,
  connections: number,
  seconds: number,
  warmupSeconds: number,
): Promise<SingleAccept> {
  const { body, headers } = singleAcceptLoad(stack);
  const url = `${stack.target.base}/v1/notifications`;
  const before = stack.receiver.count;
  const label = stack.options.label;
  const warm = await autocannon(`${label}-autocannon-warmup`, {
    url,
    body,
    headers,
    connections,
    seconds: warmupSeconds,
  });
  const run = await autocannon(`${label}-autocannon`, { url, body, headers, connections, seconds });
  stack.check();
  for (const result of [warm, run]) {
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`single accept: ${result.non2xx} non-2xx answers and ${result.errors} errors (see the api log)`);
    }
  }
  await waitReceived(stack, before + warm.ok + run.ok, 'single accept');
  return { requestsPerSecond: run.requestsPerSecond, p50Ms: run.p50Ms, p99Ms: run.p99Ms };
}
