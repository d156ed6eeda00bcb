import { Logger } from '@nestjs/common';
import { HeraldConfig } from '../config/herald-config';
import { runMigrations } from './data-source';
import { startEmbeddedDatabase } from './embedded-database';
import { ensureDatabase } from './ensure-database';

/** The database a process runs on, known before Nest starts: modules receive its URL. */
export class DatabaseRuntime {
  constructor(
    readonly url: string,
    private readonly stopServer: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async stop(): Promise<void> {
    await this.stopServer();
  }
}

export async function prepareDatabase(config: HeraldConfig): Promise<DatabaseRuntime> {
  const embedded = config.database.url ? undefined : await startEmbeddedDatabase(config.dataDir);
  const url = config.database.url ?? embedded!.url;
  try {
    await ensureDatabase(url);
    if (config.database.migrate) {
      const applied = await runMigrations(url);
      if (applied.length) new Logger('Migrations').log(`applied ${applied.join(', ')}`);
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return new DatabaseRuntime(url, embedded && (() => embedded.stop()));
}
