import { Injectable } from '@nestjs/common';
import { Channel, DeliveryChunkJobData, DeliveryJobRequest, DeliveryQueue, RetryLaterError } from '@herald/core';
import { DeliveryService } from './delivery.service';

/** The delay BullMQ's backoff gives a single job that failed without saying when to retry (see the worker). */
export const UNEXPECTED_FAILURE_RETRY_MS = 1_000;

/**
 * A chunk job: each of its deliveries goes through DeliveryService.deliver, the
 * one unit of delivering (claim, send, record), one after the other. A delivery
 * that is to be tried again (its send failed, or the claim itself did) goes back
 * as a job of its own with the delay a single job would have waited, so the
 * rest of the chunk is never repeated.
 */
@Injectable()
export class DeliveryChunkService {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly queue: DeliveryQueue,
  ) {}

  async deliverChunk(channel: Channel, chunk: DeliveryChunkJobData): Promise<void> {
    const retries: DeliveryJobRequest[] = [];
    for (const deliveryId of chunk.deliveryIds) {
      try {
        await this.deliveries.deliver(deliveryId);
      } catch (error) {
        const delayMs = error instanceof RetryLaterError ? error.delayMs : UNEXPECTED_FAILURE_RETRY_MS;
        retries.push({ deliveryId, channel, priority: chunk.priority, delayMs });
      }
    }
    // Bounded and never thrown: a retry whose job is lost is a `queued` row the reconciler finds.
    await this.queue.enqueueAfterCommit(retries, { chunked: false });
  }
}
