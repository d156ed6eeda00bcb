import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@herald/core';
import { Client } from 'pg';
import { Child, startChild, stopChild } from '../test/support/child-process';
import { testEnv } from '../test/support/test-env';
import { until } from './until';

/** The compiled entry points, next to this file's compiled self in dist/ (as `node scripts/start.mjs` runs them). */
const MAIN = {
  api: join(__dirname, '..', 'apps', 'api', 'src', 'main.js'),
  worker: join(__dirname, '..', 'apps', 'worker', 'src', 'main.js'),
};

export interface InstallationOptions {
  databaseUrl: string;
  redisUrl: string;
  webhookSecret: string;
  /** Settings of the scenario, over the suite's. */
  env?: Record<string, string>;
}

/**
 * Herald as an operator splits it: one api and two worker processes on one PostgreSQL database and one Redis.
 * Settings are the defaults (the lease, the reconciler, the attempt cap) except what makes a run of 2,000 short:
 * no rate limit, a 500 ms first retry delay.
 */
export class Installation {
  readonly adminKey = `faults-admin-${randomBytes(8).toString('hex')}`;
  api!: Child;
  readonly workers: Child[] = [];
  baseUrl = '';
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: InstallationOptions) {
    const env = testEnv(options.databaseUrl, {
      REDIS_URL: options.redisUrl,
      ADMIN_API_KEY: this.adminKey,
      WEBHOOK_SECRET: options.webhookSecret,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      DB_MIGRATE: 'true',
      RATE_LIMIT_PER_MINUTE: '0',
      DELIVERY_BACKOFF_MS: '500',
      LOG_LEVEL: 'warn',
      ...options.env,
    });
    // testEnv speeds the tests up; the suite keeps Herald's defaults for what it measures.
    delete env.RECONCILE_INTERVAL_MS;
    this.env = { PATH: process.env.PATH };
    for (const [name, value] of Object.entries(env)) if (value !== undefined) this.env[name] = value;
  }

  async start(): Promise<this> {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    // The api first: it migrates the database the workers then use.
    this.api = startChild(process.execPath, [MAIN.api], { env: { ...this.env, PORT: String(port) } });
    await until(async () => (await fetch(`${this.baseUrl}/health/ready`)).ok, {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: 'the api to be ready',
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.api.output()}`);
    });
    // The load starts at once: the queues hold the jobs until the workers consume them.
    for (let i = 0; i < 2; i++) this.workers.push(startChild(process.execPath, [MAIN.worker], { env: this.env }));
    return this;
  }

  async stop(): Promise<void> {
    for (const child of [...this.workers, this.api]) if (child) await stopChild(child);
  }

  /** What the processes printed, for a failing scenario's report. */
  output(): string {
    return [this.api, ...this.workers]
      .map((child, i) => `--- ${i ? `worker ${i}` : 'api'}\n${child?.output() ?? ''}`)
      .join('\n');
  }

  async query<T extends object>(sql: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.options.databaseUrl, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
