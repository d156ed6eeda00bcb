import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { HistoryCountsRepository } from '../history/history-counts.repository';
import { SuppressionModule } from '../suppression/suppression.module';
import { DeliveryChunkService } from './delivery-chunk.service';
import { DeliveryLeaseService } from './delivery-lease.service';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { ReconcilerService } from './reconciler.service';

/** The worker side: delivering deliveries, reconciling the queues with PostgreSQL, folding the history counts. */
@Module({
  imports: [ChannelsModule, SuppressionModule],
  providers: [
    DeliveryRepository,
    DeliveryLeaseService,
    DeliveryService,
    DeliveryChunkService,
    ReconcilerService,
    HistoryCountsRepository,
  ],
  exports: [DeliveryService, DeliveryChunkService, ReconcilerService, HistoryCountsRepository, ChannelsModule],
})
export class DeliveryModule {}
