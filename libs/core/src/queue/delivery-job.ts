import type { Channel } from '../domain/channel';
import type { Priority } from '../domain/priority';

/** Each channel has a queue of its own, so a slow provider holds up no other channel. */
export function deliveryQueueName(channel: Channel): string {
  return `deliver-${channel.replace('_', '-')}`;
}

/** Deliver one delivery row. The row holds everything else. */
export const DELIVER_JOB = 'deliver';

export interface DeliveryJobData {
  deliveryId: string;
}

/**
 * Deliver several delivery rows of one channel, one after the other, in one job:
 * what a large batch is enqueued as, since the queue store adds and runs jobs
 * far slower than PostgreSQL inserts rows. A delivery to try again goes back as
 * a DELIVER_JOB of its own.
 */
export const DELIVER_CHUNK_JOB = 'deliver-chunk';

export interface DeliveryChunkJobData {
  deliveryIds: string[];
  priority: Priority;
}

/** What a delivery queue carries: one delivery, or a chunk of them. */
export type DeliveryQueueJobData = DeliveryJobData | DeliveryChunkJobData;

/** What the producer needs to enqueue a delivery; the job id is the delivery id. */
export interface DeliveryJobRequest {
  deliveryId: string;
  channel: Channel;
  priority: Priority;
  /** Milliseconds to wait before the attempt (scheduled sends and retries). */
  delayMs?: number;
}

/** BullMQ runs lower numbers first. */
export const PRIORITY_RANK: Record<Priority, number> = { high: 1, normal: 2, low: 3 };

/** Named backoff strategy: the processor decides the delay and carries it on the error. */
export const HERALD_BACKOFF = 'herald';
