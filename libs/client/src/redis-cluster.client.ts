import type { Type } from '@nestjs/common';
import { ClientProxy, ClientRedis, CustomClientOptions } from '@nestjs/microservices';
import { Cluster, ClusterNode, ClusterOptions, Redis } from 'ioredis';

export interface RedisClusterClientOptions {
  /** Seed nodes of the cluster, as Herald's REDIS_CLUSTER_NODES: `{ host, port }` or `'host:port'`. */
  nodes: ClusterNode[];
  /** ioredis Cluster options (credentials and TLS go in `redisOptions`); it reconnects forever unless told. */
  cluster?: ClusterOptions;
}

/**
 * Nest's Redis client on a Redis Cluster, for a Herald that runs on one (REDIS_CLUSTER_NODES): pass
 * `transport: redisClusterTransport({ nodes: ['host:port'] })` to HeraldClientModule. The transport is pub/sub,
 * which a cluster carries to the subscribers of every node, so any reachable node will do; a cluster client keeps
 * working when the node it published through fails over.
 */
export class RedisClusterClient extends ClientRedis {
  constructor(private readonly clusterOptions: RedisClusterClientOptions) {
    super({});
  }

  /** Typed as Nest's `Redis`: Nest calls only what a `Cluster` has as well (connect, subscribe, publish, on, quit). */
  override createClient(): Promise<Redis> {
    const { nodes, cluster } = this.clusterOptions;
    return Promise.resolve(new Cluster(nodes, { ...cluster, lazyConnect: true }) as unknown as Redis);
  }
}

/** HeraldClientModule's `transport` for a Herald on a Redis Cluster: Nest's Redis transport through `RedisClusterClient`. */
export function redisClusterTransport(options: RedisClusterClientOptions): CustomClientOptions {
  // Nest's ClientRedis narrows its status stream's type, which `Type<ClientProxy>` does not accept as is.
  return { customClass: RedisClusterClient as unknown as Type<ClientProxy>, options };
}
