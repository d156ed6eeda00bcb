import { randomBytes } from 'node:crypto';

/**
 * Environment every test process starts from: fast retries, quiet logs, loopback targets allowed. A module of its
 * own (no Vitest, no Nest), so tools that start Herald as a child, like the fuzzer, use it too.
 */
export function testEnv(
  databaseUrl: string,
  env: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    DATABASE_URL: databaseUrl,
    DB_MIGRATE: 'false',
    PORT: '0',
    ADMIN_API_KEY: `test-admin-${randomBytes(8).toString('hex')}`,
    LOG_LEVEL: 'error',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    MICROSERVICE_TRANSPORT: 'none',
    DELIVERY_BACKOFF_MS: '50',
    RECONCILE_INTERVAL_MS: '60000',
    REDIS_PREFIX: `herald-test-${randomBytes(4).toString('hex')}`,
    ...env,
  };
}
