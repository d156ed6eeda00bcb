import { median } from '../support/stats';
import { HeapSample, HeapSampler } from '../support/heap';
import { RssSampler } from '../support/rss';
import { assertAllDelivered, waitDelivered } from './drain';
import { Backend, HeraldStack } from './herald-stack';
import { log } from '../support/log';
import { WebhookReceiver } from './receiver';
import { sendBatch } from './send';

export interface RssRun {
  notifications: number;
  seconds: number;
  /** Per process: RSS in MB once ready, after the first tenth of the run, at its peak and at the end. */
  processes: Record<string, { idleMb: number; earlyMb: number; peakMb: number; endMb: number; flat: boolean }>;
  /** The api's heap at the scrape nearest its RSS peak: what the peak is made of. */
  apiHeapAtPeak?: HeapSample;
}

/**
 * `total` notifications through the batch route (batches of 1,000, two in flight) with one worker delivering,
 * RSS sampled every second. Flat: the end within ±10 % of the RSS after the first tenth (warm-up excluded).
 */
export async function rssRun(backend: Backend, total: number): Promise<RssRun> {
  const receiver = new WebhookReceiver();
  const webhookUrl = await receiver.start();
  const stack = await HeraldStack.start({ backend, label: `${backend}-rss` }, receiver, webhookUrl).catch(
    async (error: Error) => {
      await receiver.stop();
      throw error;
    },
  );
  const sampler = new RssSampler(() => stack.processes(), 1000);
  const heap = new HeapSampler(`${stack.target.base}/metrics`, 1000);
  const started = performance.now();
  try {
    const ids: string[] = [];
    let next = 0;
    let earlyAt = Infinity;
    const sender = async () => {
      while (next < total) {
        const first = next;
        next += 1000;
        ids.push(...(await sendBatch(stack.target, Math.min(1000, total - first), first)));
        if (ids.length >= total / 10 && earlyAt === Infinity) earlyAt = performance.now();
        if (ids.length % 10_000 === 0) log(backend, `rss run: ${ids.length} accepted, ${receiver.count} delivered`);
      }
    };
    await Promise.all([sender(), sender()]);
    await waitDelivered(stack, ids, 'rss run');
    await assertAllDelivered(stack);
    sampler.stop();
    heap.stop();
    const processes: RssRun['processes'] = {};
    let apiHeapAtPeak: HeapSample | undefined;
    for (const [name, samples] of sampler.samples) {
      // The median of the samples around the tenth mark, not one sample: a GC may just have run.
      const early = median(samples.filter((s) => Math.abs(s.at - earlyAt) < 5000).map((s) => s.mb));
      const end = median(samples.slice(-5).map((s) => s.mb));
      const peak = samples.reduce((top, sample) => (sample.mb > top.mb ? sample : top));
      if (name === stack.api.name) apiHeapAtPeak = heap.nearest(peak.at);
      processes[name.replace(/^.*-rss-/, '')] = {
        idleMb: samples[0].mb,
        earlyMb: early,
        peakMb: peak.mb,
        endMb: end,
        flat: Math.abs(end - early) <= early * 0.1,
      };
    }
    return { notifications: total, seconds: (performance.now() - started) / 1000, processes, apiHeapAtPeak };
  } finally {
    sampler.stop();
    heap.stop();
    await stack.stop();
    await receiver.stop();
  }
}
