import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { DeliveryJobRequest, DeliveryQueue } from '@herald/core';
import { DeliveryRepository } from '../deliver/delivery.repository';
import { HistoryRepository } from '../history/history.repository';
import type { DeliveryHistoryItem } from '../history/history.types';
import { deliveryHistoryItem } from '../history/notification-history.service';
import { DeliveryNotFoundError, DeliveryNotRetryableError } from '../notifications.errors';

/** How long a retry waits for the job of the failed attempt to leave its queue. */
const LEFTOVER_JOB_WAIT_MS = 2_000;

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
    await this.enqueue({ deliveryId: delivery.id, channel: delivery.channel, priority: delivery.priority });
    return deliveryHistoryItem(stored);
  }

  /**
   * After commit, like every enqueue: a failure here loses nothing, as the
   * reconciler finds `queued` rows without a job. Job ids are delivery ids, and
   * the job that ran the failed attempt may still be finishing (its row already
   * `failed`, the job not yet removed): adding ours then would be a no-op and the
   * retry would wait for the reconciler, so that job is given a moment to go.
   */
  private async enqueue(job: DeliveryJobRequest): Promise<void> {
    const queue = this.queue.queue(job.channel);
    let waiting = true;
    const leftoverGone = (async () => {
      while (waiting && (await queue.getJobState(job.deliveryId)) === 'active') await sleep(20);
    })();
    // Bounded however the queue store behaves; an unreachable one is reported by the enqueue.
    await Promise.race([leftoverGone.catch(() => undefined), sleep(LEFTOVER_JOB_WAIT_MS)]);
    waiting = false;
    await this.queue.enqueueAfterCommit([job]);
  }
}
