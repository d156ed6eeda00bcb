import { DynamicModule, Module } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import { HeraldClientModule } from '@herald/client';
import { OrderNotifications } from './orders/order-notifications.service';
import { OrdersController } from './orders/orders.controller';
import type { ShopConfig } from './shop.config';

/**
 * A sibling app as a Herald user writes one: it imports only `@herald/client` and talks to Herald over
 * RabbitMQ. Built with the rest (`npm run build`), never started by `npm start`.
 */
@Module({})
export class ShopModule {
  static register(config: ShopConfig): DynamicModule {
    return {
      module: ShopModule,
      imports: [
        HeraldClientModule.register({
          transport: {
            transport: Transport.RMQ,
            options: { urls: [config.rabbitmqUrl], queue: config.queue, queueOptions: { durable: true } },
          },
          token: config.heraldToken,
        }),
      ],
      controllers: [OrdersController],
      providers: [OrderNotifications],
    };
  }
}
