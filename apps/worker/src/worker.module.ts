import { Module } from '@nestjs/common';
import { DeliveryModule } from '@herald/notifications';
import { DeliveryWorkerHost } from './delivery/delivery-worker.host';
import { DigestWorkerHost } from './digest/digest-worker.host';
import { ReconcileScheduler } from './reconcile/reconcile.scheduler';

/** The worker app: delivers from the channel queues and keeps them reconciled with PostgreSQL. */
@Module({
  imports: [DeliveryModule],
  providers: [DeliveryWorkerHost, ReconcileScheduler, DigestWorkerHost],
})
export class WorkerModule {}
