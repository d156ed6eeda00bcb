import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { DigestModule } from '../digest/digest.module';
import { HistoryCountsRepository } from '../history/history-counts.repository';
import { StepConditionRepository } from '../steps/step-condition.repository';
import { SuppressionModule } from '../suppression/suppression.module';
import { DeliveryChunkService } from './delivery-chunk.service';
import { DeliveryLeaseService } from './delivery-lease.service';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { ReconcilerService } from './reconciler.service';

/** The worker side: delivering deliveries, reconciling the queues with PostgreSQL, folding the history counts. */
@Module({
  imports: [ChannelsModule, SuppressionModule, DigestModule],
  providers: [
    DeliveryRepository,
    DeliveryLeaseService,
    DeliveryService,
    DeliveryChunkService,
    ReconcilerService,
    HistoryCountsRepository,
    StepConditionRepository,
  ],
  exports: [
    DeliveryService,
    DeliveryChunkService,
    ReconcilerService,
    HistoryCountsRepository,
    ChannelsModule,
    DigestModule,
  ],
})
export class DeliveryModule {}
