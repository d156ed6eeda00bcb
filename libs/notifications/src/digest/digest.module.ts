import { Module } from '@nestjs/common';
import { RecipientsModule } from '@herald/recipients';
import { TemplatesModule } from '@herald/templates';
import { NotificationPlanner } from '../accept/notification-planner';
import { NotificationRepository } from '../notification.repository';
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
    DigestRepository,
    DigestQueue,
    DigestService,
    DigestCloseService,
  ],
  exports: [DigestService, DigestCloseService, DigestRepository],
})
export class DigestModule {}
