import { loadConfigFromProcess } from '../config/load-config';
import { prepareDatabase } from './database-runtime';

/** `npm run migrate`: apply migrations and exit. */
async function main(): Promise<void> {
  const config = loadConfigFromProcess();
  const database = await prepareDatabase({ ...config, database: { ...config.database, migrate: true } });
  await database.stop();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
