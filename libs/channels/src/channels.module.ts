import { Module } from '@nestjs/common';
import { MailerModule } from '@nestjs-modules/mailer';
import { HeraldConfig } from '@herald/core';
import { CHANNEL_DRIVERS } from './channel-driver';
import { ChannelRegistry } from './channel.registry';
import { EmailDriver } from './email/email.driver';
import { mailerOptions } from './email/smtp-transport';
import { TwilioSmsDriver } from './sms/twilio-sms.driver';
import { WebhookDriver } from './webhook/webhook.driver';

const DRIVERS = [EmailDriver, TwilioSmsDriver, WebhookDriver];

@Module({
  imports: [MailerModule.forRootAsync({ imports: [], inject: [HeraldConfig], useFactory: mailerOptions })],
  providers: [
    ...DRIVERS,
    { provide: CHANNEL_DRIVERS, inject: DRIVERS, useFactory: (...drivers: unknown[]) => drivers },
    ChannelRegistry,
  ],
  exports: [ChannelRegistry],
})
export class ChannelsModule {}
