import type { Logger } from '@nestjs/common';
import { ArgumentsHost } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import type { Problem } from '@herald/core';

/** How long a message that could not be handled yet waits before it goes back to the queue. */
const REQUEUE_DELAY_MS = 2_000;

export interface AmqpMessage {
  content: Buffer;
  properties: { messageId?: unknown };
  fields: { redelivered?: boolean };
}

interface AmqpChannel {
  ack(message: AmqpMessage): void;
  nack(message: AmqpMessage, allUpTo?: boolean, requeue?: boolean): void;
}

/** Messages handed back to the queue: their request gets no answer now (the redelivery answers). */
const requeued = new WeakSet<object>();

export function isRequeued(message: object): boolean {
  return requeued.has(message);
}

/** The RabbitMQ message being handled, when the transport is RabbitMQ. */
export function rmqContextOf(host: ArgumentsHost): RmqContext | undefined {
  const context = host.switchToRpc().getContext<unknown>();
  return context instanceof RmqContext ? context : undefined;
}

/**
 * A refusal that is not for good: the database did not answer (5xx), or the message's idempotency key is
 * held by an attempt still in flight, which is what a redelivery after a crash finds until the dead
 * attempt's claim is abandoned (60 s). Everything else is the sender's mistake, answered once.
 */
export function isRetryable(problem: Problem): boolean {
  return problem.status >= 500 || problem.type.endsWith('/idempotency-key-in-flight');
}

/**
 * The end of a message (noAck: false): acked once its notification is committed or it is refused for good;
 * handed back to the queue, after a pause so a database outage is not a busy loop, when it may succeed later.
 * A channel that closed meanwhile settles nothing: RabbitMQ redelivers the message, which is idempotent.
 */
export function settleRmqMessage(context: RmqContext, problem: Problem | undefined, logger: Logger): void {
  const channel = context.getChannelRef() as AmqpChannel;
  const message = context.getMessage() as AmqpMessage;
  const settle = (action: () => void) => {
    try {
      action();
    } catch (error) {
      logger.warn(`RabbitMQ message not settled (${(error as Error).message}); it will be redelivered`);
    }
  };
  if (!problem || !isRetryable(problem)) return settle(() => channel.ack(message));
  requeued.add(message);
  logger.warn(`${context.getPattern()} not handled yet (${problem.status} ${problem.title}): requeued`);
  setTimeout(() => settle(() => channel.nack(message, false, true)), REQUEUE_DELAY_MS).unref();
}
