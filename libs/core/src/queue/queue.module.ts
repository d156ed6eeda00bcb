import { Global, Module } from '@nestjs/common';
import { BroadcastQueue } from './broadcast-queue';
import { DeliveryQueue } from './delivery-queue';
import { QueueBackend } from './queue-backend';

@Global()
@Module({
  providers: [QueueBackend, DeliveryQueue, BroadcastQueue],
  exports: [QueueBackend, DeliveryQueue, BroadcastQueue],
})
export class QueueModule {}
