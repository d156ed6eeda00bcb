import { Module } from '@nestjs/common';
import { MailerModule } from '@nestjs-modules/mailer';
import { HeraldConfig } from '@herald/core';
import { InboxModule } from '@herald/recipients';
import { CHANNEL_DRIVERS } from './channel-driver';
import { ChannelRegistry } from './channel.registry';
import { EmailDriver } from './email/email.driver';
import { mailerOptions } from './email/smtp-transport';
import { PushDriver } from './push/push.driver';
import { PushModule } from './push/push.module';
import { InAppDriver } from './in-app/in-app.driver';
import { WebhookDriver } from './webhook/webhook.driver';
import { SmsDriver } from './sms/sms.driver';
import { CircuitBreakers } from './failover/circuit-breakers';

const DRIVERS = [EmailDriver, SmsDriver, WebhookDriver, InAppDriver, PushDriver];

@Module({
  imports: [
    MailerModule.forRootAsync({ imports: [], inject: [HeraldConfig], useFactory: mailerOptions }),
    InboxModule,
    PushModule,
  ],
  providers: [
    CircuitBreakers,
    ...DRIVERS,
    { provide: CHANNEL_DRIVERS, inject: DRIVERS, useFactory: (...drivers: unknown[]) => drivers },
    ChannelRegistry,
  ],
  exports: [ChannelRegistry],
})
export class ChannelsModule {}
