import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    extra: { max: 20 },
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
