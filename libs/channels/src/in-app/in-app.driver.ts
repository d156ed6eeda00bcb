import { Injectable } from '@nestjs/common';
import { InboxService } from '@herald/recipients';
import type { InAppContent } from '@herald/templates';
import { ChannelDriver, DeliveryContext, DriverResult } from '../channel-driver';
import { PermanentDeliveryError } from '../channels.errors';

/**
 * The in-app channel has no provider: storing the message in the recipient's
 * inbox is the delivery (`delivered`), and the inbox tells the open streams.
 * A database error is thrown as is, so it is retried like any transient one.
 */
@Injectable()
export class InAppDriver implements ChannelDriver {
  readonly channel = 'in_app' as const;

  constructor(private readonly inbox: InboxService) {}

  async send(context: DeliveryContext): Promise<DriverResult> {
    const recipientId = context.address.recipientId;
    if (!recipientId) throw new PermanentDeliveryError('in-app delivery without a recipientId');
    const content = context.content as InAppContent;
    const message = await this.inbox.deliver({
      deliveryId: context.deliveryId,
      notificationId: context.notificationId,
      recipientId,
      title: content.title,
      body: content.body,
      url: content.url,
    });
    return { status: 'delivered', providerMessageId: message.id };
  }
}
