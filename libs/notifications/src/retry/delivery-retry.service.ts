import { Injectable } from '@nestjs/common';
import { DeliveryQueue } from '@herald/core';
import { DeliveryRepository } from '../deliver/delivery.repository';
import { HistoryRepository } from '../history/history.repository';
import type { DeliveryHistoryItem } from '../history/history.types';
import { deliveryHistoryItem } from '../history/notification-history.service';
import { DeliveryNotFoundError, DeliveryNotRetryableError } from '../notifications.errors';

/** `POST /v1/admin/deliveries/{id}/retry`: a `failed` delivery goes back to `queued` and to its queue. */
@Injectable()
export class DeliveryRetryService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly history: HistoryRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  async retry(deliveryId: string): Promise<DeliveryHistoryItem> {
    const result = await this.deliveries.requeueFailed(deliveryId);
    if (!result.requeued) {
      if (result.status === null) throw new DeliveryNotFoundError(deliveryId);
      throw new DeliveryNotRetryableError(deliveryId, result.status);
    }
    const { delivery } = result;
    // Read before the enqueue: the answer is the delivery as the retry left it (`queued`), not whatever a
    // worker, maybe in this very process, has made of it since the job was added.
    const stored = await this.history.findDeliverySummary(deliveryId);
    if (!stored) throw new DeliveryNotFoundError(deliveryId);
    // After commit, like every enqueue, with a bounded wait: a queue store that fails loses nothing, as the
    // reconciler finds `queued` rows without a job. The job is the next attempt's (its id carries the attempts
    // made), so the job of the failed attempt, which may still be leaving its queue, never swallows it.
    await this.queue.enqueueAfterCommit([
      {
        deliveryId: delivery.id,
        channel: delivery.channel,
        priority: delivery.priority,
        attemptsMade: delivery.attemptsMade,
      },
    ]);
    return deliveryHistoryItem(stored);
  }
}
