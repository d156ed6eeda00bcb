import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RecipientsModule } from '@herald/recipients';
import { TemplatesModule } from '@herald/templates';
import { NotificationAcceptService } from './accept/notification-accept.service';
import { DeliveryAttemptEntity } from './entities/delivery-attempt.entity';
import { DeliveryEntity } from './entities/delivery.entity';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { NotificationEntity } from './entities/notification.entity';
import { NotificationQueryService } from './history/notification-query.service';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { NotificationRepository } from './notification.repository';

/** The API side: accepting notifications and reading them back. */
@Module({
  imports: [
    TypeOrmModule.forFeature([NotificationEntity, DeliveryEntity, DeliveryAttemptEntity, IdempotencyKeyEntity]),
    RecipientsModule,
    TemplatesModule,
  ],
  providers: [NotificationRepository, IdempotencyRepository, NotificationAcceptService, NotificationQueryService],
  exports: [NotificationAcceptService, NotificationQueryService],
})
export class NotificationsModule {}
