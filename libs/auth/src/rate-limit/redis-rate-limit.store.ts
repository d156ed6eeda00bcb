import { OnApplicationShutdown } from '@nestjs/common';
import { closeRedisClient, createRedisClient, HeraldConfig, RedisClient } from '@herald/core';
import { RateLimitCounts, RateLimitStore, RateLimitTake } from './rate-limit.store';

/** Check and count in one round trip; a refused request is not counted, so hammering does not extend the wait. */
const TAKE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if current + 1 + previous * tonumber(ARGV[1]) > tonumber(ARGV[2]) then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, current, previous}
`;

type ScriptedRedis = RedisClient & {
  heraldRateLimitTake(
    current: string,
    previous: string,
    weight: string,
    limit: number,
    ttlMs: number,
  ): Promise<[number, number, number]>;
};

/**
 * Counters in Redis, `${REDIS_PREFIX}:ratelimit:{<api key id or recipient:<id>>}:<window start>`,
 * each expiring once it can no longer be a previous window. The braces are a
 * Redis Cluster hash tag: the script reads both windows of a key, so they must
 * share a slot (and the keys of different API keys spread over the masters).
 */
export class RedisRateLimitStore extends RateLimitStore implements OnApplicationShutdown {
  readonly kind = 'redis' as const;
  private redis?: ScriptedRedis;
  /** Set once connected: from then on a lost connection fails takes at once instead of after the timeout. */
  private connectedOnce = false;

  constructor(private readonly target: HeraldConfig['redis']) {
    super();
  }

  async take(request: RateLimitTake): Promise<RateLimitCounts> {
    const key = (start: number) => `${this.target.prefix}:ratelimit:{${request.key}}:${start}`;
    const redis = this.connection();
    // The first requests wait for the first connection (up to the command timeout); during an outage
    // nothing waits, so the API does not slow down while the limiter lets requests through.
    if (this.connectedOnce && redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`);
    const [admitted, current, previous] = await redis.heraldRateLimitTake(
      key(request.windowStart),
      key(request.windowStart - request.windowMs),
      String(request.previousWeight),
      request.limit,
      2 * request.windowMs,
    );
    return { admitted: admitted === 1, current, previous };
  }

  private connection(): ScriptedRedis {
    if (!this.redis) {
      // Short, bounded waits (unlike BullMQ's connections): a request is not held for the limiter;
      // past the timeout the limiter lets it through.
      const redis = createRedisClient(this.target, {
        maxRetriesPerRequest: 1,
        commandTimeout: 1_000,
        connectionName: 'herald-rate-limit',
      });
      redis.on('error', () => undefined); // reported by the limiter when a take fails
      redis.on('ready', () => (this.connectedOnce = true));
      redis.defineCommand('heraldRateLimitTake', { numberOfKeys: 2, lua: TAKE_SCRIPT });
      this.redis = redis as ScriptedRedis;
    }
    return this.redis;
  }

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    this.redis = undefined;
    if (redis) await closeRedisClient(redis);
  }
}
