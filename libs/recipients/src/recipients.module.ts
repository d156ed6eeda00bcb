import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RecipientEntity } from './entities/recipient.entity';
import { InboxModule } from './inbox/inbox.module';
import { RecipientRepository } from './recipient.repository';
import { RecipientService } from './recipient.service';
import { PushSubscriptionEntity } from './push-subscriptions/push-subscription.entity';
import { PushSubscriptionRepository } from './push-subscriptions/push-subscription.repository';
import { PushSubscriptionService } from './push-subscriptions/push-subscription.service';

@Module({
  imports: [TypeOrmModule.forFeature([RecipientEntity, PushSubscriptionEntity]), InboxModule],
  providers: [RecipientRepository, RecipientService, PushSubscriptionRepository, PushSubscriptionService],
  exports: [RecipientService, PushSubscriptionService, InboxModule],
})
export class RecipientsModule {}
