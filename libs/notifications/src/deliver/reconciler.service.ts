import { Injectable, Logger } from '@nestjs/common';
import { DeliveryQueue, HeraldConfig } from '@herald/core';
import { DigestCloseService } from '../digest/digest-close.service';
import { DeliveryRepository } from './delivery.repository';

const BATCH = 1000;
/** Bounds one pass: `sending` rows are not touched, so a full batch of them would come back every time. */
const MAX_BATCHES_PER_PASS = 20;

/**
 * PostgreSQL is the source of truth: this puts back in the queues what the
 * queues lost (Redis restarted empty, an enqueue after commit failed, a worker
 * killed mid-send: its lease ends within DELIVERY_SENDING_LEASE_MS, and the next
 * pass wakes a worker to take the delivery over). Job ids are delivery ids with
 * their attempt, so re-adding a job that exists is a no-op, while the job of a
 * dead worker's attempt, stalled in the queue store, does not hold back the next.
 */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger(ReconcilerService.name);

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly queue: DeliveryQueue,
    private readonly config: HeraldConfig,
    private readonly digests: DigestCloseService,
  ) {}

  /** One pass; returns how many deliveries were handed back to their queues. */
  async reconcile(): Promise<number> {
    const { reconcileIntervalMs } = this.config.delivery;
    let total = 0;
    for (let round = 0; round < MAX_BATCHES_PER_PASS; round++) {
      const batch = await this.deliveries.takeForReconcile(reconcileIntervalMs, BATCH);
      if (!batch.length) break;
      await this.queue.enqueue(
        batch.map((delivery) => ({
          deliveryId: delivery.id,
          channel: delivery.channel,
          priority: delivery.priority,
          attemptsMade: delivery.attemptsMade,
          delayMs: delivery.delayMs,
        })),
      );
      total += batch.length;
      if (batch.length < BATCH) break;
    }
    if (total) this.logger.log(`re-enqueued ${total} deliveries`);
    // Digests past their time whose close job was lost (or whose worker died closing them).
    await this.digests.closeDue();
    return total;
  }
}
