import { Module } from '@nestjs/common';
import { DeliveryModule, FanOutModule, RetentionModule } from '@herald/notifications';
import { FanOutWorkerHost } from './broadcast/fan-out-worker.host';
import { DeliveryWorkerHost } from './delivery/delivery-worker.host';
import { DigestWorkerHost } from './digest/digest-worker.host';
import { HistoryCountsScheduler } from './history-counts/history-counts.scheduler';
import { ReconcileScheduler } from './reconcile/reconcile.scheduler';
import { RetentionScheduler } from './retention/retention.scheduler';

/**
 * The worker app: delivers from the channel queues, fans broadcasts out, keeps the queues reconciled with
 * PostgreSQL, the history bounded and its counts folded.
 */
@Module({
  imports: [DeliveryModule, FanOutModule, RetentionModule],
  providers: [
    DeliveryWorkerHost,
    FanOutWorkerHost,
    ReconcileScheduler,
    RetentionScheduler,
    HistoryCountsScheduler,
    DigestWorkerHost,
  ],
})
export class WorkerModule {}
