import { ServerRedis } from '@nestjs/microservices';
import { closeRedisClient, createRedisClient, HeraldConfig, RedisClient } from '@herald/core';

/** How long a claim on a request id is kept: far longer than any client waits for its answer. */
const CLAIM_TTL_MS = 10 * 60_000;

/**
 * Nest's Redis transport is pub/sub: every API instance subscribed on the Redis
 * receives every message. Requests (`send`, which carry a packet id) are
 * claimed with SET NX under this installation's prefix, so exactly one instance
 * accepts and answers each; the others drop it. Events (`emit`) carry no id
 * and reach every instance: an `idempotencyKey` in the payload makes the
 * duplicates replays (README, "Microservice transport").
 *
 * Its connections come from Herald's one factory, so the transport runs on a
 * Redis Cluster too: a message published on any node reaches the subscribers
 * of every node, and each claim key lives on the master owning its slot.
 */
export class ClaimingRedisServer extends ServerRedis {
  constructor(private readonly target: HeraldConfig['redis']) {
    // Without retryAttempts Nest's Redis server gives up at the first disconnect, and the transport stays dead.
    super({ retryAttempts: Number.POSITIVE_INFINITY, retryDelay: 1_000 });
  }

  /**
   * Nest's retry strategy for each connection; lazy: Nest connects both itself. Nest calls only what a `Cluster`
   * has as well (connect, subscribe, publish, on, quit).
   */
  override createRedisClient(): Promise<RedisClient> {
    const retryStrategy = (times: number) => this.createRetryStrategy(times);
    return Promise.resolve(createRedisClient(this.target, { retryStrategy, lazyConnect: true }));
  }

  /** Nest's close waits on QUIT, which a cluster that lost a master may never answer: bounded instead. */
  override async close(): Promise<void> {
    this.isManuallyClosed = true;
    this.pendingEventListeners = [];
    const clients = [this.pubClient, this.subClient] as (RedisClient | undefined)[];
    await Promise.all(clients.filter((client) => client !== undefined).map((client) => closeRedisClient(client)));
  }

  override async handleMessage(channel: string, buffer: string, pub: RedisClient, pattern: string): Promise<unknown> {
    const { id } = (this.parseMessage(buffer) ?? {}) as { id?: unknown };
    if (typeof id === 'string' || typeof id === 'number') {
      const claimed = await pub.set(`${this.target.prefix}:transport:${id}`, '1', 'PX', CLAIM_TTL_MS, 'NX');
      if (claimed !== 'OK') return undefined;
    }
    return super.handleMessage(channel, buffer, pub, pattern);
  }
}
