import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications.module';
import { FanOutService } from './fan-out.service';

/** The worker side of broadcasts: fanning them out, and re-adding the jobs of those that stopped advancing. */
@Module({
  imports: [NotificationsModule],
  providers: [FanOutService],
  exports: [FanOutService, NotificationsModule],
})
export class FanOutModule {}
