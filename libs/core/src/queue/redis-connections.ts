import { Cluster, Redis, RedisOptions } from 'ioredis';
import type { HeraldConfig } from '../config/herald-config';
import { within } from '../runtime/within';

/** A connection to Herald's Redis: one server, or a cluster that routes each key to the master owning its slot. */
export type RedisClient = Redis | Cluster;

/** Whether Herald keeps its queues, rate limits, transport claims and inbox events in Redis (one or a cluster). */
export function usesRedis(redis: HeraldConfig['redis']): boolean {
  return !!(redis.url || redis.cluster);
}

/** ioredis options from a redis:// or rediss:// URL; BullMQ workers need `maxRetriesPerRequest: null`. */
export function redisOptions(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: decodeURIComponent(parsed.username) || undefined,
    password: decodeURIComponent(parsed.password) || undefined,
    db: Number(parsed.pathname.slice(1) || 0),
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/**
 * The one place Herald opens a Redis connection: a `Redis` on REDIS_URL, or a `Cluster` on REDIS_CLUSTER_NODES.
 * `options` are each user's own (retries, timeouts, a connection name, lazyConnect); on a cluster they apply to
 * every node's connection, and `lazyConnect` to the cluster.
 *
 * A cluster retries a command that met a failover (the master gone, its slot CLUSTERDOWN or moved) every 300 ms, up
 * to 16 times: about the 3 to 5 s a replica takes to be promoted with a node timeout of 2 s. Past that the command
 * fails like one on a Redis that is down, and each user copes as it does then (the reconciler re-enqueues).
 */
export function createRedisClient(redis: HeraldConfig['redis'], options: RedisOptions = {}): RedisClient {
  if (redis.cluster) {
    const { nodes, username, password, tls } = redis.cluster;
    const { lazyConnect, ...perNode } = options;
    return new Cluster(nodes, {
      lazyConnect,
      redisOptions: { username, password, tls: tls ? {} : undefined, ...perNode },
      retryDelayOnFailover: 300,
      retryDelayOnClusterDown: 300,
      retryDelayOnTryAgain: 300,
    });
  }
  if (!redis.url) throw new Error('Redis is not configured: set REDIS_URL or REDIS_CLUSTER_NODES');
  return new Redis({ ...redisOptions(redis.url), ...options });
}

/**
 * Closes a connection without waiting on a server that may be gone: QUIT when it is up (what was sent is
 * answered first), within `timeoutMs`, else a plain disconnect. A cluster that lost a master during a failover can
 * leave QUIT unanswered for good.
 */
export async function closeRedisClient(redis: RedisClient, timeoutMs = 1_000): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await within(redis.quit(), timeoutMs).catch(() => undefined);
  redis.disconnect();
}
