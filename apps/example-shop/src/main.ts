import 'reflect-metadata';
import { createShopApp } from './create-shop-app';
import { loadShopConfig } from './shop.config';

/** `node dist/apps/example-shop/src/main.js`: the example shop, next to a Herald consuming RABBITMQ_QUEUE. */
async function main(): Promise<void> {
  const config = loadShopConfig();
  const app = await createShopApp(config);
  // All interfaces, as a service in a container listens.
  await app.listen(config.port, '0.0.0.0');
}

void main();
