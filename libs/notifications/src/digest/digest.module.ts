import { Module } from '@nestjs/common';
import { RecipientsModule } from '@herald/recipients';
import { TemplatesModule } from '@herald/templates';
import { NotificationPlanner } from '../accept/notification-planner';
import { NotificationRepository } from '../notification.repository';
import { ThrottleRepository } from '../throttle/throttle.repository';
import { ThrottleService } from '../throttle/throttle.service';
import { DigestCloseService } from './digest-close.service';
import { DigestQueue } from './digest-queue';
import { DigestRepository } from './digest.repository';
import { DigestService } from './digest.service';

/**
 * Digests, for both sides: the api joins sends to them (DigestService), the worker closes them (its close job,
 * DigestCloseService, also run by the reconciler). It plans the digest's notification as a send is planned.
 */
@Module({
  imports: [RecipientsModule, TemplatesModule],
  providers: [
    NotificationPlanner,
    NotificationRepository,
    // The planner's: a digest's notification is throttled as any send of its template.
    ThrottleRepository,
    ThrottleService,
    DigestRepository,
    DigestQueue,
    DigestService,
    DigestCloseService,
  ],
  exports: [DigestService, DigestCloseService, DigestRepository],
})
export class DigestModule {}
