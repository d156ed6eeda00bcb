import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from './database';
import { HeraldOptions, RunningHerald, startHerald } from './herald-app';

/** The usual setup of an API test: its own database, Herald on it, and a client to read the rows. */
export interface ApiHarness {
  db: TestDatabase;
  herald: RunningHerald;
  pg: Client;
  close(): Promise<void>;
}

export async function startApiHarness(
  options: Omit<HeraldOptions, 'databaseUrl'> = { apps: ['api'] },
): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const herald = await startHerald({ ...options, databaseUrl: db.url });
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  return {
    db,
    herald,
    pg,
    close: async () => {
      await pg.end();
      await herald.close();
      await db.drop();
    },
  };
}
