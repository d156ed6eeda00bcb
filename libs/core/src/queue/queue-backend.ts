import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  BackendFactory,
  ConnectionOptions,
  createPostgresBackend,
  createRedisBackend,
  Processor,
  Queue,
  Worker,
  WorkerOptions,
} from 'bullmq';
import { HeraldConfig } from '../config/herald-config';
import { DatabaseRuntime } from '../database/database-runtime';
import { within } from '../runtime/within';
import { closeRedisClient, createRedisClient, RedisClient, redisOptions, usesRedis } from './redis-connections';

/**
 * How long closing a queue or a worker may take before its connections are dropped (`QueueBackend.close`): every
 * process's shutdown is bounded by it, per queue, even when the queue store is gone.
 */
export const QUEUE_CLOSE_TIMEOUT_MS = 5_000;

/**
 * How long a producer's enqueue after a commit waits for the queue store before it logs and leaves the rows to the
 * reconciler: PostgreSQL is the truth, a job only wakes a worker up.
 */
export const QUEUE_ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * BullMQ's key prefix for the queue `name`: REDIS_PREFIX, then the queue's name as a Redis Cluster hash tag, so
 * every key of one queue (its lists, sets, jobs) hashes to one slot, as BullMQ's scripts need on a cluster, while
 * the channels' queues spread over the masters. The same layout on one Redis: one shape to test and to read, and
 * `<REDIS_PREFIX>:*` still matches every key of the installation (docs/decisions.md).
 */
export function queuePrefix(prefix: string, name: string): string {
  return `${prefix}:{${name}}`;
}

/**
 * Where BullMQ keeps its jobs: Redis when REDIS_URL or REDIS_CLUSTER_NODES is set, otherwise BullMQ's
 * PostgreSQL backend in the `bullmq` schema of Herald's own database (reached by DATABASE_DIRECT_URL). The
 * backend is passed to each queue explicitly rather than set process-wide, so
 * two configurations can live in one process (tests, benchmarks).
 */
@Injectable()
export class QueueBackend implements OnApplicationShutdown {
  readonly kind: 'redis' | 'postgres';
  private readonly logger = new Logger(QueueBackend.name);
  private readonly factory: BackendFactory<never, unknown>;
  private readonly connection?: unknown;
  /** On a cluster: the connection each queue and worker was given (BullMQ closes only the ones it opened itself). */
  private readonly clusterClients = new Map<Queue<unknown> | Worker<unknown>, RedisClient>();

  constructor(
    private readonly config: HeraldConfig,
    database: DatabaseRuntime,
  ) {
    if (usesRedis(config.redis)) {
      this.kind = 'redis';
      this.factory = createRedisBackend as BackendFactory<never, unknown>;
      // BullMQ opens its own connections from options on one Redis; a cluster it must be given as a client.
      if (config.redis.url) this.connection = redisOptions(config.redis.url) satisfies ConnectionOptions;
    } else {
      this.kind = 'postgres';
      this.factory = createPostgresBackend as BackendFactory<never, unknown>;
      // The backend pins its connections' search_path at connect and waits for jobs with LISTEN: session state,
      // which PgBouncer in transaction mode does not keep, hence the direct URL.
      this.connection = { connectionString: database.directUrl, schema: 'bullmq', migrate: true, max: 10 };
    }
  }

  createQueue<T>(name: string): Queue<T> {
    const client = this.clusterClient();
    const queue = new Queue<T>(name, this.options(name, client) as never, this.factory);
    // Connection errors are retried by the client; unheard, an 'error' event would end the process.
    queue.on('error', (error) => this.logger.warn(`${name} queue: ${error.message}`));
    if (client) this.clusterClients.set(queue as Queue<unknown>, client);
    return queue;
  }

  createWorker<T>(name: string, processor: Processor<T>, options: Omit<WorkerOptions, 'connection'>): Worker<T> {
    const client = this.clusterClient();
    const worker = new Worker<T>(name, processor, { ...options, ...this.options(name, client) } as never, this.factory);
    if (client) this.clusterClients.set(worker as Worker<unknown>, client);
    return worker;
  }

  /**
   * Closes a queue or a worker (a worker first lets its running jobs end) within `timeoutMs`; past it, its
   * connections are dropped instead. After a failover, BullMQ's close can wait for good on a cluster connection
   * to a master that is gone, and a process that never exits is worse than a job left to the reconciler.
   */
  async close<T>(target: Queue<T> | Worker<T>, timeoutMs = QUEUE_CLOSE_TIMEOUT_MS): Promise<void> {
    try {
      await within(target.close(), timeoutMs);
    } catch (error) {
      this.logger.warn(`${target.name}: not closed in ${timeoutMs} ms (${(error as Error).message}), disconnecting`);
      await within(target.disconnect(), 1_000).catch(() => undefined);
    }
    const client = this.clusterClients.get(target as Queue<unknown>);
    this.clusterClients.delete(target as Queue<unknown>);
    if (client) await closeRedisClient(client);
  }

  /** Whatever was not closed through `close` (a queue or worker a test made and left). */
  async onApplicationShutdown(): Promise<void> {
    const clients = [...this.clusterClients.values()];
    this.clusterClients.clear();
    await Promise.all(clients.map((client) => closeRedisClient(client)));
  }

  private options(name: string, client?: RedisClient) {
    if (this.kind === 'postgres') return { connection: this.connection };
    return { connection: client ?? this.connection, prefix: queuePrefix(this.config.redis.prefix, name) };
  }

  /** A cluster client of its own for each queue and worker (a worker duplicates it for its blocking reads). */
  private clusterClient(): RedisClient | undefined {
    if (!this.config.redis.cluster) return undefined;
    // BullMQ's blocking reads wait as long as they must: no per-command retry cap.
    const client = createRedisClient(this.config.redis, { maxRetriesPerRequest: null });
    // Reported by the queue or worker that uses it; unheard, an 'error' event would end the process.
    client.on('error', () => undefined);
    return client;
  }
}
