import { Installation, InstallationOptions } from '../test/support/installation';

export interface FaultsInstallationOptions {
  databaseUrl: string;
  redisUrl: string;
  webhookSecret: string;
}

/**
 * The shape every fault scenario strikes: one api and two worker processes on one PostgreSQL database and one
 * Redis, with the settings of test/support/installation.ts (Herald's defaults but a 500 ms first retry delay and
 * no rate limit), and broadcasts fanned out in pages of 100 subscribers rather than 1,000, so the fault finds
 * the fan-out between pages as well as inside one.
 */
export function faultsInstallation(options: FaultsInstallationOptions): Installation {
  const settings: InstallationOptions = {
    databaseUrl: options.databaseUrl,
    apis: 1,
    workers: 2,
    env: { REDIS_URL: options.redisUrl, WEBHOOK_SECRET: options.webhookSecret, BROADCAST_BATCH_SIZE: '100' },
  };
  return new Installation(settings);
}
