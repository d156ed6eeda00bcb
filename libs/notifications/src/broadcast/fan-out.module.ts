import { Module } from '@nestjs/common';
import { TemplatesModule } from '@herald/templates';
import { NotificationsModule } from '../notifications.module';
import { FanOutService } from './fan-out.service';

/** The worker side of broadcasts: fanning them out, and re-adding the jobs of those that stopped advancing. */
@Module({
  imports: [NotificationsModule, TemplatesModule],
  providers: [FanOutService],
  exports: [FanOutService, NotificationsModule],
})
export class FanOutModule {}
