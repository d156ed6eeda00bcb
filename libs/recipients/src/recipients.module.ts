import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RecipientEntity } from './entities/recipient.entity';
import { InboxModule } from './inbox/inbox.module';
import { PreferencesService } from './preferences/preferences.service';
import { RecipientRepository } from './recipient.repository';
import { RecipientService } from './recipient.service';
import { PushSubscriptionEntity } from './entities/push-subscription.entity';
import { PushSubscriptionRepository } from './push-subscriptions/push-subscription.repository';
import { PushSubscriptionService } from './push-subscriptions/push-subscription.service';
import { InstallationSecretRepository } from './unsubscribe/installation-secret.repository';
import { UnsubscribeService } from './unsubscribe/unsubscribe.service';

@Module({
  imports: [TypeOrmModule.forFeature([RecipientEntity, PushSubscriptionEntity]), InboxModule],
  providers: [
    RecipientRepository,
    RecipientService,
    PushSubscriptionRepository,
    PushSubscriptionService,
    PreferencesService,
    InstallationSecretRepository,
    UnsubscribeService,
  ],
  exports: [RecipientService, PushSubscriptionService, InboxModule, PreferencesService, UnsubscribeService],
})
export class RecipientsModule {}
