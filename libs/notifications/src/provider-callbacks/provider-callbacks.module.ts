import { Module } from '@nestjs/common';
import { ProviderStatusRepository } from '../deliver/provider-status.repository';
import { SuppressionModule } from '../suppression/suppression.module';
import { ProviderCallbacksService } from './provider-callbacks.service';

/** Providers' status callbacks and events: delivery statuses after `sent`, and the suppression list. */
@Module({
  imports: [SuppressionModule],
  providers: [ProviderStatusRepository, ProviderCallbacksService],
  exports: [ProviderCallbacksService],
})
export class ProviderCallbacksModule {}
