import { Injectable } from '@nestjs/common';
import { HeraldClient } from '@herald/client';
import type { ShipOrderDto } from './ship-order.dto';

/** The shop's order events, told to Herald over RabbitMQ. */
@Injectable()
export class OrderNotifications {
  constructor(private readonly herald: HeraldClient) {}

  /**
   * Emitted, not requested: the shop does not wait for Herald. The message sits in RabbitMQ's durable queue
   * until Herald has committed the notification (Herald acks after its commit), and HeraldClient gives it a
   * message id, so Herald crashing before the ack redelivers it without a second notification.
   */
  async shipped(orderId: string, order: ShipOrderDto): Promise<void> {
    await this.herald.emit({
      to: { email: order.email },
      content: {
        email: {
          subject: 'Your order {{orderId}} has shipped',
          text: 'Order {{orderId}} is on its way. Tracking code: {{trackingCode}}.',
        },
      },
      data: { orderId, trackingCode: order.trackingCode ?? 'none yet' },
    });
  }
}
