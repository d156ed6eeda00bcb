import type { ClientBase } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/**
 * Gives each pooled connection an `error` listener for its whole life. pg-pool hands a connection released by a
 * finished query straight to a waiting caller, taking off its idle listener, and TypeORM adds its own a promise
 * later: a server that ends the session in that gap (a restart's FATAL in the same read as the query's end) made
 * pg emit `error` with no listener, and the process exit (seen in the fault suite's PostgreSQL restart with a
 * fan-out's transactions waiting for connections). Nothing is lost by hearing it here: the connection is marked
 * broken, the query in flight (if any) fails with the error, and the pool drops it at its release.
 */
function keepErrorsHeard(client: ClientBase): void {
  client.on('error', () => undefined);
}

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    extra: { max: 20, onConnect: keepErrorsHeard },
  };
}

/**
 * Applies pending migrations; a session advisory lock makes concurrent starts (N api + N worker) take turns. The
 * lock lives as long as the connection, so `url` must reach PostgreSQL directly (DATABASE_DIRECT_URL): through
 * PgBouncer in transaction mode it would stay taken on a server connection that the pooler keeps open.
 */
export async function runMigrations(url: string): Promise<string[]> {
  // One transaction per migration: the history's partitioning validates and builds indexes between its steps
  // without holding the locks of the others (docs/partitioning.md).
  const dataSource = new DataSource({ ...dataSourceOptions(url), migrationsTransactionMode: 'each' });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    // Tried again and again rather than waited for: a session waiting in pg_advisory_lock holds a snapshot, which a
    // migration's CREATE INDEX CONCURRENTLY in the session that holds the lock would wait for (a deadlock).
    const tryLock = async () =>
      ((await lock.query('SELECT pg_try_advisory_lock(7215001) AS locked')) as { locked: boolean }[])[0].locked;
    while (!(await tryLock())) await new Promise((resolve) => setTimeout(resolve, 100));
    const applied = await dataSource.runMigrations();
    return applied.map((migration) => migration.name);
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}
