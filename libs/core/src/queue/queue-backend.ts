import { Injectable } from '@nestjs/common';
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
 * Where BullMQ keeps its jobs: Redis when REDIS_URL is set, otherwise BullMQ's
 * PostgreSQL backend in the `bullmq` schema of Herald's own database (reached by DATABASE_DIRECT_URL). The
 * backend is passed to each queue explicitly rather than set process-wide, so
 * two configurations can live in one process (tests, benchmarks).
 */
@Injectable()
export class QueueBackend {
  readonly kind: 'redis' | 'postgres';
  private readonly factory: BackendFactory<never, unknown>;
  private readonly connection: unknown;
  private readonly prefix?: string;

  constructor(config: HeraldConfig, database: DatabaseRuntime) {
    if (config.redis.url) {
      this.kind = 'redis';
      this.factory = createRedisBackend as BackendFactory<never, unknown>;
      this.connection = redisOptions(config.redis.url) satisfies ConnectionOptions;
      this.prefix = config.redis.prefix;
    } else {
      this.kind = 'postgres';
      this.factory = createPostgresBackend as BackendFactory<never, unknown>;
      // The backend pins its connections' search_path at connect and waits for jobs with LISTEN: session state,
      // which PgBouncer in transaction mode does not keep, hence the direct URL.
      this.connection = { connectionString: database.directUrl, schema: 'bullmq', migrate: true, max: 10 };
    }
  }

  createQueue<T>(name: string): Queue<T> {
    return new Queue<T>(name, { connection: this.connection, prefix: this.prefix } as never, this.factory);
  }

  createWorker<T>(name: string, processor: Processor<T>, options: Omit<WorkerOptions, 'connection'>): Worker<T> {
    return new Worker<T>(
      name,
      processor,
      { ...options, connection: this.connection, prefix: this.prefix } as never,
      this.factory,
    );
  }
}
