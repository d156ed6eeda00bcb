import { Module } from '@nestjs/common';
import { HistoryRetentionService } from './history-retention.service';

/** The worker's upkeep of the history: weekly partitions ahead, old weeks dropped, idempotency records expired. */
@Module({
  providers: [HistoryRetentionService],
  exports: [HistoryRetentionService],
})
export class RetentionModule {}
