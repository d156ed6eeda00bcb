import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { databaseName, dropDatabase, freshDatabase, REDIS_URL } from '../support/databases';
import { freePort, waitForHttp } from '../support/ports';
import { Child, runNode, startNode } from '../support/processes';
import { cpuMs } from '../support/rss';
import { sleep } from '../support/wait';
import { WebhookReceiver } from './receiver';
import { SendTarget, sendOne, TEMPLATE, TEMPLATE_KEY } from './send';

export type Backend = 'redis' | 'postgres';

export interface StackOptions {
  backend: Backend;
  /** Names the processes' log files. */
  label: string;
  /** Write a V8 CPU profile of the api process into this folder (`--cpu-prof`). */
  apiCpuProfileDir?: string;
  /** Likewise for each worker process. */
  workerCpuProfileDir?: string;
  /** `ALTER DATABASE … SET` settings of the fresh database (statement logging for round-trip counts). */
  databaseSettings?: Record<string, string>;
  /** Start without a worker (round-trip counts of the api alone). */
  noWorker?: boolean;
}

const START = join(process.cwd(), 'scripts', 'start.mjs');

/** The Redis prefixes of stacks not stopped yet, for the clean-up of an interrupted run. */
const livePrefixes = new Set<string>();

/** Deletes the Redis keys of every stack not stopped (the bench was interrupted). */
export async function deleteLiveKeys(): Promise<void> {
  for (const prefix of livePrefixes) await deleteKeys(`${prefix}:*`);
  livePrefixes.clear();
}

/**
 * Herald in split mode, started through its built entry points like production: a migrate run, then one api
 * process and worker processes, on a fresh database, Redis queues under a prefix of their own or the PostgreSQL
 * queue backend (no REDIS_URL). Set up over the public API: a webhook template and a key with scope `send`.
 */
export class HeraldStack {
  readonly workers: Child[] = [];
  api!: Child;
  target!: SendTarget;
  private readonly adminKey = `bench-admin-${randomBytes(12).toString('hex')}`;
  readonly prefix = `bench-${randomBytes(4).toString('hex')}`;
  private readonly cwd = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  private databaseUrl = '';
  private env: NodeJS.ProcessEnv = {};

  private constructor(
    readonly options: StackOptions,
    readonly receiver: WebhookReceiver,
  ) {}

  static async start(options: StackOptions, receiver: WebhookReceiver, webhookUrl: string): Promise<HeraldStack> {
    const stack = new HeraldStack(options, receiver);
    try {
      await stack.boot(webhookUrl);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  private async boot(webhookUrl: string): Promise<void> {
    const { backend, label } = this.options;
    if (backend === 'redis') livePrefixes.add(this.prefix);
    this.databaseUrl = await freshDatabase(backend, this.options.databaseSettings);
    const port = await freePort();
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: this.databaseUrl,
      DB_MIGRATE: 'false',
      ...(backend === 'redis' ? { REDIS_URL, REDIS_PREFIX: this.prefix } : {}),
      PORT: String(port),
      HERALD_DATA_DIR: this.cwd,
      ADMIN_API_KEY: this.adminKey,
      LOG_LEVEL: 'warn',
      MICROSERVICE_TRANSPORT: 'none',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
      // High enough that the limiter never refuses, but on: production runs with it.
      RATE_LIMIT_PER_MINUTE: '10000000',
    };
    await runNode(`${label}-migrate`, [START, 'migrate'], this.env, this.cwd);
    this.api = startNode(
      `${label}-api`,
      [...profiling(this.options.apiCpuProfileDir), START, 'api'],
      this.env,
      this.cwd,
    );
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health/ready`, () => this.api.assertAlive());
    await this.admin('PUT', `/v1/admin/templates/${TEMPLATE_KEY}`, TEMPLATE);
    const { key } = (await this.admin('POST', '/v1/admin/api-keys', { name: 'bench', scopes: ['send'] })) as {
      key: string;
    };
    this.target = { base, key, webhookUrl };
    if (!this.options.noWorker) await this.addWorker();
  }

  get databaseName(): string {
    return databaseName(this.databaseUrl);
  }

  processes(): Child[] {
    return [this.api, ...this.workers].filter(Boolean);
  }

  /** Throws when any process of the stack has exited. */
  check = (): void => {
    for (const child of this.processes()) child.assertAlive();
  };

  /**
   * Starts one more worker process and waits until it is ready: the first one proves it by delivering a probe;
   * a further one (which may not get the probe) once its start-up CPU use has settled.
   */
  async addWorker(): Promise<void> {
    const worker = startNode(
      `${this.options.label}-worker${this.workers.length + 1}`,
      [...profiling(this.options.workerCpuProfileDir), START, 'worker'],
      this.env,
      this.cwd,
    );
    this.workers.push(worker);
    if (this.workers.length === 1) {
      const id = await sendOne(this.target, 0);
      const until = performance.now() + 600_000;
      while (!this.receiver.receipts.has(id)) {
        this.check();
        if (performance.now() > until) throw new Error('the worker did not deliver the probe within 600 s');
        await sleep(50);
      }
      return;
    }
    let last = -1;
    for (let i = 0; i < 120; i++) {
      await sleep(1000);
      this.check();
      const used = cpuMs(worker.pid);
      if (i >= 2 && used - last < 20) return;
      last = used;
    }
  }

  async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.target?.base ?? `http://127.0.0.1:${this.env.PORT}`}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text);
  }

  /** Webhook deliveries by status, from `GET /v1/admin/stats`. */
  async webhookStatuses(): Promise<Record<string, number>> {
    const stats = (await this.admin('GET', '/v1/admin/stats')) as {
      deliveries: Record<string, Record<string, number>>;
    };
    return stats.deliveries.webhook ?? {};
  }

  /** Stops every process (SIGTERM, then SIGKILL), drops the database and the Redis keys. Never throws. */
  async stop(): Promise<void> {
    await Promise.all([...this.workers, this.api].filter(Boolean).map((child) => child.stop()));
    if (this.databaseUrl) {
      await dropDatabase(this.databaseUrl).catch((error: Error) => console.error(`drop database: ${error.message}`));
    }
    if (this.options.backend === 'redis') await deleteKeys(`${this.prefix}:*`);
    livePrefixes.delete(this.prefix);
    rmSync(this.cwd, { recursive: true, force: true });
  }
}

/** Node's flags that write a V8 CPU profile into `dir` at exit. */
function profiling(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch (error) {
    console.error(`delete Redis keys ${pattern}: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
