import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from '@herald/auth';
import { HealthModule } from '@herald/core';
import { NotificationsModule, ProviderCallbacksModule, SuppressionModule } from '@herald/notifications';
import { RecipientsModule } from '@herald/recipients';
import { TemplatesModule } from '@herald/templates';
import { AdminDeliveriesController } from './admin/admin-deliveries.controller';
import { AdminNotificationsController } from './admin/admin-notifications.controller';
import { AdminStatsController } from './admin/admin-stats.controller';
import { AdminSuppressionsController } from './admin/admin-suppressions.controller';
import { AdminTemplatePreviewController } from './admin/admin-template-preview.controller';
import { AdminTimelineController } from './admin/admin-timeline.controller';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { BroadcastsController } from './broadcasts/broadcasts.controller';
import { MeController } from './api-keys/me.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ConsoleModule } from './console/console.module';
import { DigestsController } from './digests/digests.controller';
import { HealthController } from './health/health.controller';
import { ApiMetricsModule } from './metrics/api-metrics.module';
import { NotificationsBatchController } from './notifications/notifications-batch.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { SendgridEventsController } from './providers/sendgrid-events.controller';
import { TwilioCallbacksController } from './providers/twilio-callbacks.controller';
import { InboxController } from './recipients/inbox.controller';
import { PreferencesController } from './recipients/preferences.controller';
import { PushSubscriptionListController } from './recipients/push-subscription-list.controller';
import { PushSubscriptionsController } from './recipients/push-subscriptions.controller';
import { RecipientSuppressionsController } from './recipients/recipient-suppressions.controller';
import { RecipientsController } from './recipients/recipients.controller';
import { TemplatesController } from './templates/templates.controller';
import { TopicsController } from './topics/topics.controller';
import { NotificationsTransportController } from './transport/notifications.transport-controller';
import { UnsubscribeController } from './unsubscribe/unsubscribe.controller';

/** The api app: HTTP controllers over the libs. It never calls a provider; the worker does. */
@Module({
  imports: [
    AuthModule,
    HealthModule,
    NotificationsModule,
    SuppressionModule,
    ProviderCallbacksModule,
    RecipientsModule,
    TemplatesModule,
    ApiMetricsModule,
    ConsoleModule,
  ],
  controllers: [
    HealthController,
    NotificationsController,
    NotificationsBatchController,
    NotificationsTransportController,
    RecipientsController,
    PushSubscriptionsController,
    PushSubscriptionListController,
    TemplatesController,
    TopicsController,
    BroadcastsController,
    ApiKeysController,
    InboxController,
    PreferencesController,
    AdminNotificationsController,
    AdminDeliveriesController,
    AdminStatsController,
    AdminTimelineController,
    AdminTemplatePreviewController,
    MeController,
    AdminSuppressionsController,
    RecipientSuppressionsController,
    TwilioCallbacksController,
    SendgridEventsController,
    UnsubscribeController,
    DigestsController,
  ],
  providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
})
export class ApiModule {}
