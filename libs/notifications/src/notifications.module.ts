import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RecipientsModule } from '@herald/recipients';
import { TemplatesModule } from '@herald/templates';
import { NotificationAcceptService } from './accept/notification-accept.service';
import { NotificationBatchService } from './accept/notification-batch.service';
import { NotificationPlanner } from './accept/notification-planner';
import { NotificationCancelService } from './cancel/notification-cancel.service';
import { DeliveryRepository } from './deliver/delivery.repository';
import { DigestModule } from './digest/digest.module';
import { DeliveryAttemptEntity } from './entities/delivery-attempt.entity';
import { DeliveryEntity } from './entities/delivery.entity';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { NotificationEntity } from './entities/notification.entity';
import { HistoryCountsRepository } from './history/history-counts.repository';
import { HistoryRepository } from './history/history.repository';
import { NotificationHistoryService } from './history/notification-history.service';
import { NotificationQueryService } from './history/notification-query.service';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { NotificationRepository } from './notification.repository';
import { DeliveryRetryService } from './retry/delivery-retry.service';
import { RecipientErasureService } from './erasure/recipient-erasure.service';
import { RecipientHistoryRepository } from './erasure/recipient-history.repository';
import { BroadcastAcceptService } from './broadcast/broadcast-accept.service';
import { BroadcastRepository } from './broadcast/broadcast.repository';
import { ThrottleRepository } from './throttle/throttle.repository';
import { ThrottleService } from './throttle/throttle.service';
import { TopicRepository } from './topics/topic.repository';
import { TopicService } from './topics/topic.service';

/** The API side: accepting, cancelling and retrying notifications, and reading them back. */
@Module({
  imports: [
    TypeOrmModule.forFeature([NotificationEntity, DeliveryEntity, DeliveryAttemptEntity, IdempotencyKeyEntity]),
    RecipientsModule,
    TemplatesModule,
    DigestModule,
  ],
  providers: [
    NotificationRepository,
    IdempotencyRepository,
    NotificationPlanner,
    NotificationAcceptService,
    NotificationQueryService,
    NotificationBatchService,
    // Cancel and retry change delivery statuses through the repository that holds the notification-lock rule.
    DeliveryRepository,
    HistoryRepository,
    HistoryCountsRepository,
    NotificationCancelService,
    NotificationHistoryService,
    DeliveryRetryService,
    RecipientHistoryRepository,
    RecipientErasureService,
    ThrottleRepository,
    ThrottleService,
    TopicRepository,
    TopicService,
    BroadcastRepository,
    BroadcastAcceptService,
  ],
  exports: [
    NotificationAcceptService,
    NotificationQueryService,
    NotificationBatchService,
    NotificationCancelService,
    NotificationHistoryService,
    DeliveryRetryService,
    RecipientErasureService,
    TopicService,
    BroadcastAcceptService,
    // For the worker's fan-out (FanOutModule), which makes notifications as the batch path does.
    NotificationPlanner,
    NotificationRepository,
    BroadcastRepository,
    ThrottleService,
    DigestModule,
  ],
})
export class NotificationsModule {}
