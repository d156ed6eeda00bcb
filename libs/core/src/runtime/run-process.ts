import { INestApplicationContext, Logger } from '@nestjs/common';
import { ConfigError, EmbeddedDatabaseError } from '../core.errors';
import { HeraldConfig } from '../config/herald-config';
import { loadConfigFromProcess } from '../config/load-config';
import { DatabaseRuntime, prepareDatabase } from '../database/database-runtime';

export type AppFactory = (config: HeraldConfig, database: DatabaseRuntime) => Promise<INestApplicationContext>;

/**
 * The start-up every process shares: validate the environment (one line and
 * exit 1 when it is wrong), bring up and migrate the database (one line and
 * exit 1 when the embedded one cannot run here), start the app,
 * and close it all in order on SIGINT/SIGTERM.
 */
export async function runProcess(name: string, factory: AppFactory): Promise<void> {
  let config: HeraldConfig;
  try {
    config = loadConfigFromProcess();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = new Logger(name);
  let database: DatabaseRuntime;
  try {
    database = await prepareDatabase(config);
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  let app: INestApplicationContext;
  try {
    app = await factory(config, database);
  } catch (error) {
    await database.stop();
    throw error;
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: shutting down`);
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
