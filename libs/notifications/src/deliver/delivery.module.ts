import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { DigestModule } from '../digest/digest.module';
import { StepConditionRepository } from '../steps/step-condition.repository';
import { SuppressionModule } from '../suppression/suppression.module';
import { DeliveryChunkService } from './delivery-chunk.service';
import { DeliveryLeaseService } from './delivery-lease.service';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { ReconcilerService } from './reconciler.service';

/** The worker side: delivering deliveries and reconciling the queues with PostgreSQL. */
@Module({
  imports: [ChannelsModule, SuppressionModule, DigestModule],
  providers: [
    DeliveryRepository,
    DeliveryLeaseService,
    DeliveryService,
    DeliveryChunkService,
    ReconcilerService,
    StepConditionRepository,
  ],
  exports: [DeliveryService, DeliveryChunkService, ReconcilerService, ChannelsModule, DigestModule],
})
export class DeliveryModule {}
