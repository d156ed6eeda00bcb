import { Module } from '@nestjs/common';
import { DeliveryModule, RetentionModule } from '@herald/notifications';
import { DeliveryWorkerHost } from './delivery/delivery-worker.host';
import { HistoryCountsScheduler } from './history-counts/history-counts.scheduler';
import { ReconcileScheduler } from './reconcile/reconcile.scheduler';
import { RetentionScheduler } from './retention/retention.scheduler';

/** The worker app: delivers from the channel queues, keeps them reconciled with PostgreSQL, keeps history bounded
 * and its counts folded. */
@Module({
  imports: [DeliveryModule, RetentionModule],
  providers: [DeliveryWorkerHost, ReconcileScheduler, RetentionScheduler, HistoryCountsScheduler],
})
export class WorkerModule {}
