import { Injectable } from '@nestjs/common';
import { Channel, DeliveryChunkJobData, DeliveryJobRequest, DeliveryQueue, isDatabaseUnreachable } from '@herald/core';
import { DeliveryService } from './delivery.service';

/** How long a delivery whose run failed unexpectedly (not a send that failed: DeliveryService retries those) waits. */
export const UNEXPECTED_FAILURE_RETRY_MS = 1_000;

/**
 * A chunk job: each of its deliveries goes through DeliveryService.deliver, the
 * one unit of delivering (claim, send, record, and the retry of a failed send),
 * one after the other. A delivery whose run threw (its claim could not reach
 * PostgreSQL, say) goes back as a job of its own, so the rest of the chunk is
 * never repeated; a PostgreSQL outage is then thrown on, so the worker pauses.
 */
@Injectable()
export class DeliveryChunkService {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly queue: DeliveryQueue,
  ) {}

  async deliverChunk(channel: Channel, chunk: DeliveryChunkJobData): Promise<void> {
    const retries: DeliveryJobRequest[] = [];
    let outage: Error | undefined;
    for (const deliveryId of chunk.deliveryIds) {
      try {
        await this.deliveries.deliver(deliveryId);
      } catch (error) {
        if (isDatabaseUnreachable(error)) outage ??= error as Error;
        retries.push({ deliveryId, channel, priority: chunk.priority, delayMs: UNEXPECTED_FAILURE_RETRY_MS });
      }
    }
    // Bounded and never thrown: a retry whose job is lost is a `queued` row the reconciler finds.
    await this.queue.enqueueAfterCommit(retries, { chunked: false });
    if (outage) throw outage;
  }
}
