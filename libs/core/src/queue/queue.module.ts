import { Global, Module } from '@nestjs/common';
import { BroadcastQueue } from './broadcast-queue';
import { DeliveryQueue } from './delivery-queue';
import { OrchestrationQueues } from './orchestration-queues';
import { QueueBackend } from './queue-backend';

@Global()
@Module({
  providers: [QueueBackend, DeliveryQueue, OrchestrationQueues, BroadcastQueue],
  exports: [QueueBackend, DeliveryQueue, OrchestrationQueues, BroadcastQueue],
})
export class QueueModule {}
