import { Global, Module } from '@nestjs/common';
import { DeliveryQueue } from './delivery-queue';
import { QueueBackend } from './queue-backend';

@Global()
@Module({ providers: [QueueBackend, DeliveryQueue], exports: [QueueBackend, DeliveryQueue] })
export class QueueModule {}
