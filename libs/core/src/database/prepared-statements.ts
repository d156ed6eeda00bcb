import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { HeraldConfig } from '../config/herald-config';

/**
 * The statements run for every send and every delivery (the notification's insert, the template read, a
 * delivery's claim and finish), as named prepared statements: PostgreSQL plans each once per connection instead
 * of at every call. Planning was more than half of the PostgreSQL time of a delivery's claim and finish, and
 * PostgreSQL the largest share of the machine's CPU end to end (BENCHMARKS.md, "Prepared statements"). Behind a transaction pooler (DATABASE_PREPARED_STATEMENTS=false, the default when
 * DATABASE_DIRECT_URL is set apart) they are sent as plain parameterized queries, as TypeORM sends the rest.
 */
@Injectable()
export class PreparedStatements {
  private readonly enabled: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: HeraldConfig,
  ) {
    this.enabled = config.database.preparedStatements;
  }

  /** Rows of `text` run with `values`; `name` must stand for this one text across the process. */
  async query<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    if (!this.enabled) return this.dataSource.query<T[]>(text, values);
    // TypeORM's query() takes no statement name; its driver's pg pool does.
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const result = await pool.query({ name, text, values });
    return result.rows as T[];
  }
}
