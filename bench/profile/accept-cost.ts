import { HeraldStack } from '../herald/herald-stack';
import { sendBatch } from '../herald/send';
import { singleAcceptLoad } from '../herald/single-accept';
import { autocannon } from '../support/autocannon';
import { cpuMs } from '../support/rss';
import { monotonicUs } from './cpu-profile';
import { sleep } from '../support/wait';

/**
 * What one accept costs the api process in CPU time (user + system, from /proc). Unlike a rate, this barely moves
 * with the machine's load, so it is the figure to compare a change by on a shared machine.
 */
export interface AcceptCost {
  /** api CPU ms per second at rest, subtracted from both phases. */
  idleMsPerSecond: number;
  /** api CPU ms per `POST /v1/notifications` (autocannon at the bench's concurrency). */
  singleMs: number;
  singleRequests: number;
  /** api CPU ms per item of `POST /v1/notifications/batch` (batches of 1,000, one after the other). */
  batchItemMs: number;
  batchItems: number;
  /** The monotonic windows (µs, process.hrtime) of each phase, for the CPU profile's summaries. */
  windows: { single: [number, number]; batch: [number, number] };
}

/** Single accepts for `seconds`, then `batches` batches of 1,000, each phase's api CPU time divided by its count. */
export async function acceptCost(
  stack: HeraldStack,
  connections: number,
  seconds: number,
  batches: number,
): Promise<AcceptCost> {
  const { body, headers } = singleAcceptLoad(stack);
  const url = `${stack.target.base}/v1/notifications`;
  const label = `${stack.options.label}-cost`;
  await autocannon(`${label}-warmup`, { url, body, headers, connections, seconds: 2 });
  await sendBatch(stack.target, 1000);

  // What the api burns doing nothing (timers, metrics, queue connections) is no accept's cost: subtracted.
  let cpu = cpuMs(stack.api.pid);
  let from = monotonicUs();
  await sleep(3000);
  const idlePerUs = (cpuMs(stack.api.pid) - cpu) / (monotonicUs() - from);
  const busy = (since: number, sinceUs: number) => cpuMs(stack.api.pid) - since - idlePerUs * (monotonicUs() - sinceUs);

  from = monotonicUs();
  cpu = cpuMs(stack.api.pid);
  const run = await autocannon(label, { url, body, headers, connections, seconds });
  const singleMs = busy(cpu, from) / Math.max(1, run.ok + run.non2xx);
  const single: [number, number] = [from, monotonicUs()];
  stack.check();

  from = monotonicUs();
  cpu = cpuMs(stack.api.pid);
  for (let i = 0; i < batches; i++) await sendBatch(stack.target, 1000, i * 1000);
  const batchItemMs = busy(cpu, from) / (batches * 1000);
  return {
    idleMsPerSecond: idlePerUs * 1e6,
    singleMs,
    singleRequests: run.ok,
    batchItemMs,
    batchItems: batches * 1000,
    windows: { single, batch: [from, monotonicUs()] },
  };
}
