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
  /** Attempts the delivery has made (its row's `attempts`): the job is the wake-up of the next one. */
  attemptsMade?: number;
}

/**
 * One job per attempt: the delivery id, suffixed by the attempts already made when there are any. The job of a
 * next attempt (a retry, a takeover of a dead worker's delivery, an admin retry) so never collides with the job
 * of the previous one, which may still be active or stalled in the queue store; re-adding the job of the same
 * attempt stays a no-op.
 */
export function deliveryJobId(deliveryId: string, attemptsMade = 0): string {
  return attemptsMade ? `${deliveryId}-${attemptsMade}` : deliveryId;
}

/** BullMQ runs lower numbers first. */
export const PRIORITY_RANK: Record<Priority, number> = { high: 1, normal: 2, low: 3 };
