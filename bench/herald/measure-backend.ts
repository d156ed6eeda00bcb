import { log } from '../support/log';
import { RssSampler } from '../support/rss';
import { batchAccept } from './batch-accept';
import { assertAllDelivered } from './drain';
import { endToEnd } from './end-to-end';
import { Backend, HeraldStack } from './herald-stack';
import { acceptToDelivered, Latency } from './latency';
import { WebhookReceiver } from './receiver';
import { SingleAccept, singleAccept, singleAcceptLoad } from './single-accept';

export interface Sizes {
  connections: number;
  singleSeconds: number;
  warmupSeconds: number;
  batch: { batches: number; size: number };
  endToEnd: { batches: number; size: number };
  latencySeconds: number;
}

export interface HeraldFigures {
  single: SingleAccept;
  batchPerSecond: number;
  endToEndPerSecond: number;
  latency: Latency;
  endToEndTwoWorkersPerSecond: number;
  /** RSS in MB of each process once ready (idle) and after the last phase (end). */
  rss: Record<string, { idleMb: number; endMb: number }>;
  duplicates: number;
  /** The body and headers of the single-accept load, for the bare baseline to get the same. */
  load: { body: string; headers: Record<string, string> };
}

/** Every Herald figure of one backend on one fresh stack, in order; the stack is stopped whatever happens. */
export async function measureBackend(backend: Backend, run: number, sizes: Sizes): Promise<HeraldFigures> {
  const receiver = new WebhookReceiver();
  const webhookUrl = await receiver.start();
  const stack = await HeraldStack.start({ backend, label: `${backend}-run${run}` }, receiver, webhookUrl).catch(
    async (error: Error) => {
      await receiver.stop();
      throw error;
    },
  );
  const sampler = new RssSampler(() => stack.processes(), 1000);
  try {
    const idle = lastSamples(sampler);
    log(backend, 'single accept');
    const single = await singleAccept(stack, sizes.connections, sizes.singleSeconds, sizes.warmupSeconds);
    log(backend, `single accept ${single.requestsPerSecond.toFixed(0)} req/s; batch accept`);
    const batchPerSecond = await batchAccept(stack, sizes.batch.batches, sizes.batch.size);
    log(backend, `batch accept ${batchPerSecond.toFixed(0)}/s; end to end`);
    const endToEndPerSecond = await endToEnd(stack, sizes.endToEnd.batches, sizes.endToEnd.size);
    // Half the capacity of the slower of the two paths a single send goes through.
    const rate = Math.max(1, Math.round(Math.min(endToEndPerSecond, single.requestsPerSecond) / 2));
    log(backend, `end to end ${endToEndPerSecond.toFixed(0)}/s; accept → delivered at ${rate}/s`);
    const latency = await acceptToDelivered(stack, rate, sizes.latencySeconds);
    await assertAllDelivered(stack);
    const end = lastSamples(sampler);
    log(backend, `latency p99 ${latency.p99Ms.toFixed(0)} ms; end to end with 2 workers`);
    await stack.addWorker();
    const endToEndTwoWorkersPerSecond = await endToEnd(stack, sizes.endToEnd.batches, sizes.endToEnd.size);
    await assertAllDelivered(stack);
    const rss = Object.fromEntries(Object.entries(idle).map(([name, idleMb]) => [name, { idleMb, endMb: end[name] }]));
    return {
      single,
      batchPerSecond,
      endToEndPerSecond,
      latency,
      endToEndTwoWorkersPerSecond,
      rss,
      duplicates: receiver.duplicates,
      load: singleAcceptLoad(stack),
    };
  } finally {
    sampler.stop();
    await stack.stop();
    await receiver.stop();
  }
}

/** The latest RSS of each process, keyed by role (api, worker1, …). */
function lastSamples(sampler: RssSampler): Record<string, number> {
  return Object.fromEntries(
    [...sampler.samples].map(([name, samples]) => [name.replace(/^.*-run\d+-/, ''), samples.at(-1)!.mb]),
  );
}
