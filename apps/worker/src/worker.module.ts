import { Module } from '@nestjs/common';
import { DeliveryModule, RetentionModule } from '@herald/notifications';
import { DeliveryWorkerHost } from './delivery/delivery-worker.host';
import { ReconcileScheduler } from './reconcile/reconcile.scheduler';
import { RetentionScheduler } from './retention/retention.scheduler';

/** The worker app: delivers from the channel queues, keeps them reconciled with PostgreSQL, keeps history bounded. */
@Module({
  imports: [DeliveryModule, RetentionModule],
  providers: [DeliveryWorkerHost, ReconcileScheduler, RetentionScheduler],
})
export class WorkerModule {}
