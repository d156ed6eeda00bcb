import { Module } from '@nestjs/common';
import { DeliveryModule } from '@herald/notifications';
import { DeliveryWorkerHost } from './delivery/delivery-worker.host';
import { HistoryCountsScheduler } from './history-counts/history-counts.scheduler';
import { ReconcileScheduler } from './reconcile/reconcile.scheduler';

/** The worker app: delivers from the channel queues, keeps them reconciled with PostgreSQL, folds history counts. */
@Module({
  imports: [DeliveryModule],
  providers: [DeliveryWorkerHost, ReconcileScheduler, HistoryCountsScheduler],
})
export class WorkerModule {}
