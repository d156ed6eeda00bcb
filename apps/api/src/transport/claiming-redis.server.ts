import { RedisOptions, ServerRedis } from '@nestjs/microservices';
import type { Redis } from 'ioredis';

/** How long a claim on a request id is kept: far longer than any client waits for its answer. */
const CLAIM_TTL_MS = 10 * 60_000;

/**
 * Nest's Redis transport is pub/sub: every API instance subscribed on the Redis
 * receives every message. Requests (`send`, which carry a packet id) are
 * claimed with SET NX under this installation's prefix, so exactly one instance
 * accepts and answers each; the others drop it. Events (`emit`) carry no id
 * and reach every instance: an `idempotencyKey` in the payload makes the
 * duplicates replays (README, "Microservice transport").
 */
export class ClaimingRedisServer extends ServerRedis {
  constructor(
    options: Required<RedisOptions>['options'],
    private readonly claimPrefix: string,
  ) {
    super(options);
  }

  override async handleMessage(channel: string, buffer: string, pub: Redis, pattern: string): Promise<unknown> {
    const { id } = (this.parseMessage(buffer) ?? {}) as { id?: unknown };
    if (typeof id === 'string' || typeof id === 'number') {
      const claimed = await pub.set(`${this.claimPrefix}:transport:${id}`, '1', 'PX', CLAIM_TTL_MS, 'NX');
      if (claimed !== 'OK') return undefined;
    }
    return super.handleMessage(channel, buffer, pub, pattern);
  }
}
