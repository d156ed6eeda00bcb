import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { dataSourceOptions } from '../../libs/core/src/database/data-source';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * A connection checked out of the pool, between two queries, whose session the server ends (a restart, an
 * administrator's pg_terminate_backend): without a listener of its own, pg emitted an unhandled `error` and the
 * process exited (the fault suite's PostgreSQL restart). Vitest fails the run on such an error, so this test
 * fails without the pool's `onConnect` listener.
 */
describe('a pooled connection whose session the server ends', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.url)).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('is dropped by the pool without ending the process, and the next query gets a new session', async () => {
    const pool = (dataSource.driver as PostgresDriver).master as Pool;
    const client: PoolClient = await pool.connect();
    const {
      rows: [{ pid }],
    } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    await dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    await ended;
    // The broken connection back to the pool, as a query runner releases it.
    client.release();
    const [{ pid: next }] = await dataSource.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
    expect(next).not.toBe(pid);
    expect(pool.totalCount).toBeLessThanOrEqual(1);
  });
});
