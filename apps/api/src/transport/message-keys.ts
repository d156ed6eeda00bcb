import { RmqContext } from '@nestjs/microservices';
import type { BatchAnswer } from '@herald/notifications';
import type { AmqpMessage } from './rmq-settlement';

/**
 * The idempotency key a RabbitMQ message stands for when its body names none, so a redelivery (a crash
 * before the ack) replays the first answer instead of creating a second notification: the AMQP `messageId`
 * (HeraldClient sets one on every message), else the id Nest's ClientProxy gives each request. An event
 * from a plain ClientProxy carries neither: give it an `idempotencyKey` (README, "Guarantees").
 */
function rmqMessageKey(context: RmqContext): string | undefined {
  const message = context.getMessage() as AmqpMessage;
  const { messageId } = message.properties;
  if (typeof messageId === 'string' && messageId) return `amqp-message:${messageId}`;
  try {
    const { id } = JSON.parse(message.content.toString()) as { id?: unknown };
    return typeof id === 'string' && id ? `amqp-request:${id}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The idempotency key a transport message stands for when its body names none, so that a redelivery after a
 * crash before the ack replays instead of creating a second notification. Only RabbitMQ redelivers: TCP and
 * Redis deliver a message at most once, so nothing is derived for them.
 */
export function messageKey(context: unknown): string | undefined {
  return context instanceof RmqContext ? rmqMessageKey(context) : undefined;
}

/** A batch's items, each with the message's key and its index, unless it names its own (or is no object). */
export function withItemKeys(items: unknown[], key: string | undefined): unknown[] {
  if (key === undefined) return items;
  return items.map((item, index) =>
    typeof item !== 'object' || item === null || Array.isArray(item) || 'idempotencyKey' in item
      ? item
      : { ...item, idempotencyKey: `${key}#${index}` },
  );
}

/** Whether an item of the answer found its key held by an attempt still in flight (a crashed delivery's). */
export function holdsKeyInFlight(answer: BatchAnswer): boolean {
  return answer.items.some((item) => 'error' in item && item.error.type.endsWith('/idempotency-key-in-flight'));
}
