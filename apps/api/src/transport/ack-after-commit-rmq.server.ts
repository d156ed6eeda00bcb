import { RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import { isRequeued } from './rmq-settlement';

/**
 * Nest's RabbitMQ server with manual acks (`noAck: false`): the transport's interceptor and filters ack a
 * message once its notification is committed or it is refused for good, and hand it back to the queue
 * otherwise (rmq-settlement.ts). A request handed back gets no answer now: its redelivery answers it, on
 * the same reply queue and correlation id, so a client still waiting receives the outcome.
 */
export class AckAfterCommitRmqServer extends ServerRMQ {
  constructor(options: Required<RmqOptions>['options']) {
    super({ ...options, noAck: false });
  }

  override sendMessage<T = unknown>(message: T, replyTo: unknown, correlationId: string, context: RmqContext): void {
    if (isRequeued(context.getMessage() as object)) return;
    super.sendMessage(message, replyTo, correlationId, context);
  }
}
