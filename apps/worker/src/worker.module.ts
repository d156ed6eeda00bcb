import { Module } from '@nestjs/common';
import { DeliveryModule, FanOutModule } from '@herald/notifications';
import { FanOutWorkerHost } from './broadcast/fan-out-worker.host';
import { DeliveryWorkerHost } from './delivery/delivery-worker.host';
import { ReconcileScheduler } from './reconcile/reconcile.scheduler';

/** The worker app: delivers from the channel queues, fans broadcasts out, and keeps the queues reconciled with PostgreSQL. */
@Module({
  imports: [DeliveryModule, FanOutModule],
  providers: [DeliveryWorkerHost, FanOutWorkerHost, ReconcileScheduler],
})
export class WorkerModule {}
