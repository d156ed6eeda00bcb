import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { RedisContext, RmqContext } from '@nestjs/microservices';
import type { AcceptTransport } from '@herald/core';
import type { SendCaller } from '@herald/notifications';

/** The api key id of every transport message's notification (key ids are UUIDs, so none equals it). */
export const TRANSPORT_API_KEY_ID = 'transport';

/**
 * The caller of a transport message, named by the transport that brought it (for the accepted-notifications
 * metric). A custom parameter rather than `@Ctx()`: the global validation pipe judges every plain parameter's
 * shape, and an RMQ context holds the broker's channel object.
 */
export const TransportCaller = createParamDecorator((_: unknown, context: ExecutionContext): SendCaller => {
  const rpc = context.switchToRpc().getContext<unknown>();
  // Herald's Redis server is a ServerRedis, whose contexts are RedisContexts; TCP is the remaining one.
  const transport: AcceptTransport = rpc instanceof RedisContext ? 'redis' : rpc instanceof RmqContext ? 'rmq' : 'tcp';
  return { apiKeyId: TRANSPORT_API_KEY_ID, transport };
});
