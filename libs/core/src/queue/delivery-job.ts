import type { Channel } from '../domain/channel';
import type { Priority } from '../domain/priority';

/** Each channel has a queue of its own, so a slow provider holds up no other channel. */
export function deliveryQueueName(channel: Channel): string {
  return `deliver-${channel.replace('_', '-')}`;
}

/** The only job Herald runs: deliver one delivery row. The row holds everything else. */
export const DELIVER_JOB = 'deliver';

export interface DeliveryJobData {
  deliveryId: string;
}

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
