import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool, type PoolConfig } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { HeraldConfig } from '../config/herald-config';

/**
 * The statements run for every send and every delivery (the notification's insert, the template read, a
 * delivery's claim and finish), as named prepared statements: PostgreSQL plans each once per connection instead
 * of at every call. Planning was more than half of the PostgreSQL time of a delivery's claim and finish, and
 * PostgreSQL the largest share of the machine's CPU end to end (BENCHMARKS.md, "Prepared statements"). Behind a
 * transaction pooler (DATABASE_PREPARED_STATEMENTS=false, the default when DATABASE_DIRECT_URL is set apart) they
 * are sent as plain parameterized queries, as TypeORM sends the rest.
 *
 * On a direct connection they run on a pool of their own whose sessions use the generic plan from the first call
 * (`plan_cache_mode = force_generic_plan`). On the history's weekly partitions PostgreSQL's own choice is a custom
 * plan at every call, planned again each time (the generic plan's cost counts every week's index, a custom plan's
 * only the weeks pruned to): that was 0.9-2.7 ms of planning per claim or finish. A generic plan prunes the weeks
 * at executor startup from the parameters instead (BENCHMARKS.md, "Claim and finish after partitioning"). The
 * setting belongs to the session and applies to unnamed statements too, which is why TypeORM's pool, whose one-off
 * queries are best planned for their values, keeps the default.
 */
@Injectable()
export class PreparedStatements implements OnApplicationShutdown {
  private readonly logger = new Logger(PreparedStatements.name);
  private readonly enabled: boolean;
  /** PgBouncer refuses the startup option, and a session's setting would not follow the statements through it. */
  private readonly genericPlans: boolean;
  private pool?: Pool;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: HeraldConfig,
  ) {
    this.enabled = config.database.preparedStatements;
    this.genericPlans = config.database.directUrl === config.database.url;
  }

  /** Rows of `text` run with `values`; `name` must stand for this one text across the process. */
  async query<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    if (!this.enabled) return this.dataSource.query<T[]>(text, values);
    const result = await this.sessions().query({ name, text, values });
    return result.rows as T[];
  }

  async onApplicationShutdown(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  /** Opened at the first statement, with TypeORM's pool's settings (the same server, credentials and size). */
  private sessions(): Pool {
    if (this.pool) return this.pool;
    const typeorm = (this.dataSource.driver as PostgresDriver).master as Pool;
    // Behind a pooler that keeps prepared statements (PgBouncer 1.21+, told so), PostgreSQL chooses the plans, on
    // TypeORM's pool.
    if (!this.genericPlans) return typeorm;
    const pool = new Pool(withGenericPlans(typeorm.options));
    // An idle connection's error (the server restarted) is emitted here; unhandled, it would end the process.
    pool.on('error', (error) => this.logger.warn(`prepared statements' pool: ${error.message}`));
    this.pool = pool;
    return pool;
  }
}

const GENERIC_PLANS = '-c plan_cache_mode=force_generic_plan';

/**
 * The setting as a startup option of each connection, so no statement waits for it. pg lets a connection
 * string's parameters override the config's keys, so it goes into the string when there is one.
 */
export function withGenericPlans(options: PoolConfig): PoolConfig {
  if (!options.connectionString) return { ...options, options: join(options.options, GENERIC_PLANS) };
  const url = new URL(options.connectionString);
  url.searchParams.set('options', join(url.searchParams.get('options') ?? undefined, GENERIC_PLANS));
  return { ...options, connectionString: url.toString() };
}

function join(given: string | undefined, added: string): string {
  return given ? `${given} ${added}` : added;
}
