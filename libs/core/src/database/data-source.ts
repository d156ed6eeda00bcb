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
  const dataSource = new DataSource({ ...dataSourceOptions(url), migrationsTransactionMode: 'all' });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock(7215001)');
    const applied = await dataSource.runMigrations();
    return applied.map((migration) => migration.name);
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}
