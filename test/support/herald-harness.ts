import { Client } from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { ApiClient } from './api-client';
import { createTestDatabase, TestDatabase } from './database';
import { HeraldOptions, RunningHerald, startHerald } from './herald-app';
import type { QueueBackendCase } from './queue-backends';

type Env = Record<string, string | undefined>;

/** A server a test runs for Herald to talk to: an SMTP sink, a provider's fake, a proxy. */
export interface Peer {
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

export interface StartOptions extends Omit<HeraldOptions, 'databaseUrl'> {
  /** The test database's URL unless given (e.g. the same database through a proxy). */
  databaseUrl?: string;
}

export interface UseHeraldOptions {
  /** Which apps the main instance runs; both (the monolith) unless said. */
  apps?: HeraldOptions['apps'];
  /** Its environment; a function is called when it starts, after the peers, so it can use their URLs. */
  env?: Env | (() => Env);
  /** One of `queueBackends()`: its environment for every instance, and its `skip` (nothing starts). */
  backend?: QueueBackendCase;
  /** Started (in order) before the main instance, stopped after every instance has closed. */
  peers?: Peer[];
  /** False: the database and its client only; the test starts its instances with `start()`. */
  app?: boolean;
  /** Nothing starts (a test needing what is not there, skipped with `it.skipIf`). */
  skip?: boolean;
  /** Of the setup hook, when it does more than usual. */
  timeoutMs?: number;
}

/** What `useHerald` gives a test file (or describe block), ready inside its tests. */
export interface HeraldHarness extends Omit<RunningHerald, 'close'> {
  /** The database of this file (or block), cloned from the migrated template. */
  readonly db: TestDatabase;
  /** A client connected to that database, to read and arrange rows. */
  readonly pg: Client;
  /** Another Herald instance on the same database, with the backend's env; closed after all with the rest. */
  start(options?: StartOptions): Promise<RunningHerald>;
}

function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new Error(`${what} is not there: useHerald() sets it up in beforeAll (skipped, or app: false?)`);
  }
  return value;
}

/** Runs every step even when one fails; throws the first failure at the end. */
async function all(steps: (() => Promise<unknown> | undefined)[]): Promise<void> {
  let failure: Error | undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }
  if (failure) throw failure;
}

/**
 * The set-up of a test that needs Herald: registers `beforeAll` and `afterAll`
 * in the calling scope (a file or a describe block) and returns handles for its
 * tests. Before all: a database cloned from the migrated template, a `pg`
 * client on it, the peers, then Herald in this process on a free port (its own
 * Redis key prefix, the backend's env). After all, whatever happened: every
 * instance closed (last started first), the peers stopped, the database dropped.
 *
 * Hooks registered after this call run their `afterAll` before it (Vitest runs
 * after-hooks as a stack): a test's own cleanup still sees Herald running.
 */
export function useHerald(options: UseHeraldOptions = {}): HeraldHarness {
  const { backend, peers = [], app = true } = options;
  const skip = options.skip === true || backend?.skip === true;
  let db: TestDatabase | undefined;
  let pg: Client | undefined;
  let main: RunningHerald | undefined;
  const running: RunningHerald[] = [];
  const started: Peer[] = [];

  const start = async ({ databaseUrl, env, ...rest }: StartOptions = {}): Promise<RunningHerald> => {
    const herald = await startHerald({
      ...rest,
      databaseUrl: databaseUrl ?? ready(db, 'The test database').url,
      env: { ...backend?.env, ...env },
    });
    // Closed once, whether by the test (a shutdown test) or after all.
    let closing: Promise<void> | undefined;
    const instance = { ...herald, close: () => (closing ??= herald.close()) };
    running.push(instance);
    return instance;
  };

  beforeAll(async () => {
    if (skip) return;
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    for (const peer of peers) {
      await peer.start();
      started.push(peer);
    }
    if (app) {
      const env = typeof options.env === 'function' ? options.env() : options.env;
      main = await start({ apps: options.apps, env });
    }
  }, options.timeoutMs);

  afterAll(async () => {
    await all([
      ...[...running].reverse().map((herald) => () => herald.close()),
      ...[...started].reverse().map((peer) => () => peer.stop()),
      () => pg?.end(),
      () => db?.drop(),
    ]);
  });

  const herald = () => ready(main, 'Herald');
  return {
    get db() {
      return ready(db, 'The test database');
    },
    get pg() {
      return ready(pg, 'The database client');
    },
    get config() {
      return herald().config;
    },
    get app() {
      return herald().app;
    },
    get baseUrl() {
      return herald().baseUrl;
    },
    get adminKey() {
      return herald().adminKey;
    },
    get admin(): ApiClient {
      return herald().admin;
    },
    start,
  };
}
