import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@herald/core';
import { Client } from 'pg';
import { Child, startChild, stopChild } from './child-process';
import { eventually } from './eventually';
import { testEnv } from './test-env';

/** The built entry points, as `npm run start:api|start:worker` run them (the suites run from the checkout). */
const START = join(process.cwd(), 'scripts', 'start.mjs');

export interface InstallationOptions {
  /** DATABASE_URL of every process; `query()` reads through it too. */
  databaseUrl: string;
  /** Api processes (each on a port of its own); 1 unless said. */
  apis?: number;
  /** Worker processes started after the apis; 2 unless said. More can join later (`addWorker`). */
  workers?: number;
  /**
   * Settings over the defaults below (REDIS_URL, REDIS_CLUSTER_NODES, DATABASE_DIRECT_URL, WEBHOOK_SECRET, …); a
   * name set to undefined is left out.
   */
  env?: Record<string, string | undefined>;
}

/**
 * Herald as an operator splits it: api and worker processes started from dist/ as child processes, on one
 * PostgreSQL database (and the Redis of `env`, if any). Settings are Herald's defaults (the lease, the reconciler,
 * the attempt cap) except what makes a test run short: no rate limit, a 500 ms first retry delay, migrations at
 * start. The first api migrates before anything else starts; the other apis start next (their migration run finds
 * nothing to do), then the workers; `start()` resolves once every process is up.
 */
export class Installation {
  readonly adminKey = `installation-admin-${randomBytes(8).toString('hex')}`;
  readonly apis: Child[] = [];
  readonly workers: Child[] = [];
  /** The base URL of each api, in the order of `apis`. */
  readonly baseUrls: string[] = [];
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: InstallationOptions) {
    const env = testEnv(options.databaseUrl, {
      ADMIN_API_KEY: this.adminKey,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      DB_MIGRATE: 'true',
      RATE_LIMIT_PER_MINUTE: '0',
      DELIVERY_BACKOFF_MS: '500',
      LOG_LEVEL: 'warn',
      // testEnv's is for in-process tests; these keep Herald's default (10 s).
      RECONCILE_INTERVAL_MS: undefined,
      ...options.env,
    });
    this.env = { PATH: process.env.PATH };
    for (const [name, value] of Object.entries(env)) if (value !== undefined) this.env[name] = value;
  }

  /** The first api's. */
  get api(): Child {
    return this.apis[0];
  }

  get baseUrl(): string {
    return this.baseUrls[0];
  }

  async start(): Promise<this> {
    const apis = this.options.apis ?? 1;
    await this.startApi();
    await Promise.all(Array.from({ length: apis - 1 }, () => this.startApi()));
    await Promise.all(Array.from({ length: this.options.workers ?? 2 }, () => this.addWorker()));
    return this;
  }

  /**
   * One more worker process, resolved once it has started (its /metrics, on a port of its own, answers: the
   * worker serves it once its queue workers are set up), so a measurement does not count its start-up.
   */
  async addWorker(): Promise<Child> {
    const port = await freePort();
    const worker = startChild(process.execPath, [START, 'worker'], {
      env: { ...this.env, METRICS_PORT: String(port) },
    });
    this.workers.push(worker);
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).ok, {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: `worker ${this.workers.length} to start`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${worker.output()}`);
    });
    return worker;
  }

  /** Stops the workers (SIGTERM: each finishes what it holds) and forgets them. */
  async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((worker) => stopChild(worker)));
    this.workers.length = 0;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers, ...this.apis].map((child) => stopChild(child)));
  }

  /** What the processes printed, for a failing test's report. */
  output(): string {
    return [
      ...this.apis.map((child, i) => `--- api ${i + 1}\n${child.output()}`),
      ...this.workers.map((child, i) => `--- worker ${i + 1}\n${child.output()}`),
    ].join('\n');
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

  private async startApi(): Promise<void> {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = startChild(process.execPath, [START, 'api'], { env: { ...this.env, PORT: String(port) } });
    this.apis.push(api);
    this.baseUrls.push(baseUrl);
    await eventually(async () => (await fetch(`${baseUrl}/health/ready`)).ok, {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: `the api at ${baseUrl} to be ready`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${api.output()}`);
    });
  }
}
