import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { OrderNotifications } from './order-notifications.service';
import { ShipOrderDto } from './ship-order.dto';

@Controller('orders')
export class OrdersController {
  constructor(private readonly notifications: OrderNotifications) {}

  /** Marks an order shipped; the customer hears of it through Herald. */
  @Post(':id/shipped')
  @HttpCode(202)
  async shipped(@Param('id') id: string, @Body() order: ShipOrderDto): Promise<{ orderId: string; status: 'shipped' }> {
    await this.notifications.shipped(id, order);
    return { orderId: id, status: 'shipped' };
  }
}
