import { Module } from '@nestjs/common';
import { NotificationsModule } from '@herald/notifications';
import { RecipientsModule } from '@herald/recipients';
import { TemplatesModule } from '@herald/templates';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuthModule } from './auth/auth.module';
import { HealthController } from './health/health.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { InboxController } from './recipients/inbox.controller';
import { PushSubscriptionsController } from './recipients/push-subscriptions.controller';
import { RecipientsController } from './recipients/recipients.controller';
import { TemplatesController } from './templates/templates.controller';

/** The api app: HTTP controllers over the libs. It never calls a provider; the worker does. */
@Module({
  imports: [AuthModule, NotificationsModule, RecipientsModule, TemplatesModule],
  controllers: [HealthController, NotificationsController, RecipientsController, PushSubscriptionsController, TemplatesController, ApiKeysController, InboxController],
})
export class ApiModule {}
