import { Logger } from '@nestjs/common';
import { HeraldConfig } from '../config/herald-config';
import { runMigrations } from './data-source';
import { startEmbeddedDatabase } from './embedded-database';
import { ensureDatabase } from './ensure-database';

/** The database a process runs on, known before Nest starts: modules receive its URLs. */
export class DatabaseRuntime {
  constructor(
    /** The queries: TypeORM's pool. May go through PgBouncer in transaction mode. */
    readonly url: string,
    /**
     * What holds session state (LISTEN, session advisory locks, a `search_path` set at connect): the inbox listener,
     * BullMQ's PostgreSQL backend, migrations. DATABASE_DIRECT_URL, else the same as `url`.
     */
    readonly directUrl: string = url,
    private readonly stopServer: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async stop(): Promise<void> {
    await this.stopServer();
  }
}

export async function prepareDatabase(config: HeraldConfig): Promise<DatabaseRuntime> {
  const embedded = config.database.url ? undefined : await startEmbeddedDatabase(config.dataDir);
  const url = config.database.url ?? embedded!.url;
  const directUrl = config.database.directUrl ?? url;
  try {
    // PostgreSQL itself, not a pooler: CREATE DATABASE needs the server's own maintenance database.
    await ensureDatabase(directUrl);
    if (config.database.migrate) {
      const applied = await runMigrations(directUrl);
      if (applied.length) new Logger('Migrations').log(`applied ${applied.join(', ')}`);
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return new DatabaseRuntime(url, directUrl, embedded && (() => embedded.stop()));
}
