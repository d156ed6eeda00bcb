/** The example shop's settings, read once from its environment (it shares nothing with Herald's config). */
export interface ShopConfig {
  /** HTTP port of the shop. */
  port: number;
  /** Herald's RabbitMQ and the queue its api consumes (Herald's RABBITMQ_URL and RABBITMQ_QUEUE). */
  rabbitmqUrl: string;
  queue: string;
  /** Herald's MICROSERVICE_TOKEN, when it has one. */
  heraldToken?: string;
}

export function loadShopConfig(env: NodeJS.ProcessEnv = process.env): ShopConfig {
  const port = Number(env.SHOP_PORT ?? 3100);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`SHOP_PORT: not a port: ${env.SHOP_PORT}`);
  return {
    port,
    rabbitmqUrl: env.HERALD_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    queue: env.HERALD_RABBITMQ_QUEUE ?? 'herald',
    heraldToken: env.HERALD_MICROSERVICE_TOKEN || undefined,
  };
}
