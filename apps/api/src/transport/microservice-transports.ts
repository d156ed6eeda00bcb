import { INestApplication } from '@nestjs/common';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { HeraldConfig } from '@herald/core';
import { AckAfterCommitRmqServer } from './ack-after-commit-rmq.server';
import { ClaimingRedisServer } from './claiming-redis.server';

/** Attempts to reach RabbitMQ at start (5 s apart) before start-up fails; once connected it reconnects forever. */
const RMQ_START_ATTEMPTS = 12;
/** Unacked messages one API instance holds at once (acks wait for commits, so this bounds its open work). */
const RMQ_PREFETCH = 64;

/** One Nest microservice server per MICROSERVICE_TRANSPORT entry (API.md §8). */
export function microserviceTransports(config: HeraldConfig): MicroserviceOptions[] {
  const { transports, tcpPort, rabbitmq } = config.microservice;
  return transports.map((transport): MicroserviceOptions => {
    switch (transport) {
      case 'tcp':
        // All interfaces, like the HTTP port: sibling services reach it from other hosts or containers.
        return { transport: Transport.TCP, options: { host: '0.0.0.0', port: tcpPort } };
      case 'redis':
        return { strategy: new ClaimingRedisServer(config.redis) };
      case 'rmq':
        return {
          strategy: new AckAfterCommitRmqServer({
            urls: [rabbitmq.url!],
            queue: rabbitmq.queue,
            queueOptions: { durable: true },
            prefetchCount: RMQ_PREFETCH,
            maxConnectionAttempts: RMQ_START_ATTEMPTS,
          }),
        };
    }
  });
}

/**
 * Adds the transports to the HTTP app; they start with `app.startAllMicroservices()`.
 * They inherit the app's global enhancers: the validation pipe that judges
 * REST bodies judges messages too. No interceptor counts them: the accept flow
 * counts accepted notifications by transport (`tcp`, `redis`, `rmq` for these).
 */
export function connectMicroserviceTransports(app: INestApplication, config: HeraldConfig): void {
  for (const options of microserviceTransports(config)) {
    app.connectMicroservice<MicroserviceOptions>(options, { inheritAppConfig: true });
  }
}
