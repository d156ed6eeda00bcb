import { Module } from '@nestjs/common';
import { RecipientsModule } from '@herald/recipients';
import { SuppressionRepository } from './suppression.repository';
import { SuppressionService } from './suppression.service';

/** The suppression list: written by provider callbacks, read by the worker before each email and SMS. */
@Module({
  imports: [RecipientsModule],
  providers: [SuppressionRepository, SuppressionService],
  exports: [SuppressionRepository, SuppressionService],
})
export class SuppressionModule {}
