import { Module } from '@nestjs/common';
import { RecipientsModule } from '@herald/recipients';
import { FcmAccessTokenProvider } from './fcm-access-token';
import { FcmSender } from './fcm.sender';
import { WebPushSender } from './web-push.sender';

/**
 * The push driver's parts. It reads and prunes subscriptions through the
 * recipients lib; that lib never imports channels, so there is no cycle.
 */
@Module({
  imports: [RecipientsModule],
  providers: [WebPushSender, FcmAccessTokenProvider, FcmSender],
  exports: [WebPushSender, FcmSender, RecipientsModule],
})
export class PushModule {}
