import { Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { CHANNELS } from '../domain/channel';
import { deliveryQueueName } from '../queue/delivery-job';
import { DeliveryQueue } from '../queue/delivery-queue';
import { ORCHESTRATION_QUEUES, OrchestrationQueues } from '../queue/orchestration-queues';
import { within } from '../runtime/within';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** A scrape must answer even when the queue store does not (BullMQ's Redis commands wait for a reconnect). */
const QUEUE_COUNTS_TIMEOUT_MS = 2_000;

/** Counts by state of each queue, by its name in the store, with the channel of a channel queue. */
type Counts = { queue: string; channel?: string; byState: Record<string, number> }[];

async function allCounts(channelQueues: DeliveryQueue, orchestrationQueues: OrchestrationQueues): Promise<Counts> {
  const [channels, others] = await Promise.all([channelQueues.counts(), orchestrationQueues.counts()]);
  return [
    ...CHANNELS.map((channel) => ({ queue: deliveryQueueName(channel), channel, byState: channels[channel] })),
    ...ORCHESTRATION_QUEUES.map((queue) => ({ queue, byState: others[queue] })),
  ];
}

/**
 * The depth of every queue (the channel queues, `broadcast` and `digest-close`), read from the queue store (Redis
 * or BullMQ's PostgreSQL backend, the same `getJobCounts` on both) when Prometheus scrapes, not polled: nothing
 * runs between scrapes.
 */
export function registerQueueDepthGauges(
  registry: Registry,
  channelQueues: DeliveryQueue,
  orchestrationQueues: OrchestrationQueues,
): void {
  const logger = new Logger('QueueDepthGauges');
  // Both gauges are collected concurrently by one scrape and share its single read of the counts.
  // A read the store has not answered is reused by the next scrapes rather than queued again behind it.
  let inFlight: Promise<Counts> | undefined;
  let reading: Promise<Counts | undefined> | undefined;
  const readCounts = () =>
    (reading ??= within(
      (inFlight ??= allCounts(channelQueues, orchestrationQueues).finally(() => (inFlight = undefined))),
      QUEUE_COUNTS_TIMEOUT_MS,
    )
      .catch((error: Error) => {
        logger.warn(`queue counts for /metrics: ${error.message}`);
        return undefined;
      })
      .finally(() => (reading = undefined)));

  new Gauge({
    name: 'herald_queue_up',
    help: '1 when the queue store answered the job counts of this scrape, else 0.',
    registers: [registry],
    async collect() {
      this.set((await readCounts()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'herald_queue_jobs',
    help: 'Jobs in each queue by state (channel set on the channel queues), read from the queue store on scrape.',
    labelNames: ['queue', 'channel', 'state'] as const,
    registers: [registry],
    async collect() {
      const counts = await readCounts();
      // No stale numbers when the store did not answer: the series are left out and herald_queue_up says why.
      this.reset();
      if (!counts) return;
      for (const { queue, channel, byState } of counts) {
        for (const state of QUEUE_STATES) {
          // Every Herald job has a priority, and BullMQ keeps those in `prioritized`, not `waiting`.
          const value = (byState[state] ?? 0) + (state === 'waiting' ? (byState.prioritized ?? 0) : 0);
          this.set(channel ? { queue, channel, state } : { queue, state }, value);
        }
      }
    },
  });
}
