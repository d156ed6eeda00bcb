import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@herald/core';
import { Child, startChild, stopChild } from '../test/support/child-process';
import { testEnv } from '../test/support/test-env';

/** The compiled API app, next to this file's compiled self in dist/. */
const API_MAIN = join(__dirname, '..', 'apps', 'api', 'src', 'main.js');

/** A Herald API process of the fuzzer's own, and what it logged. */
export interface HeraldUnderTest {
  baseUrl: string;
  adminKey: string;
  inboxSecret: string;
  /** Exit code, or null (signal); undefined while it runs. */
  exitCode(): number | null | undefined;
  /** Errors Herald logged, by the `x-fuzz-request` of the request they were logged in ('' for none). */
  loggedErrors(): Map<string, string[]>;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts the real API (`dist/apps/api/src/main.js`, as `npm run start:api` does) as a child on a free port, with
 * the tests' environment: a child so that a crash is seen as one and its logs (each error with the request it was
 * logged in) can be read. No worker: deliveries stay queued, so nothing writes but the requests themselves.
 * The rate limit is off (10,000 requests from one key are the point) and private webhook targets are refused.
 */
export async function startHeraldUnderTest(
  databaseUrl: string,
  redisUrl: string | undefined,
): Promise<HeraldUnderTest> {
  const port = await freePort();
  const inboxSecret = randomBytes(16).toString('hex');
  const env = testEnv(databaseUrl, {
    PORT: String(port),
    REDIS_URL: redisUrl,
    RATE_LIMIT_PER_MINUTE: '0',
    WEBHOOK_ALLOW_PRIVATE: 'false',
    INBOX_SECRET: inboxSecret,
    LOG_LEVEL: 'error',
  });
  const definedEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) definedEnv[name] = value;
  // Source maps: the stacks of 500s in the report point at the TypeScript sources.
  const child = startChild(process.execPath, ['--enable-source-maps', API_MAIN], { env: definedEnv });
  const baseUrl = `http://127.0.0.1:${port}`;
  const herald: HeraldUnderTest = {
    baseUrl,
    adminKey: env.ADMIN_API_KEY!,
    inboxSecret,
    exitCode: () => exitCode(child),
    loggedErrors: () => loggedErrors(child.output()),
    output: () => child.output(),
    stop: () => stopChild(child),
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (herald.exitCode() !== undefined) {
      throw new Error(`Herald exited (code ${herald.exitCode()}) before it was ready:\n${child.output()}`);
    }
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return herald;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`Herald was not ready within 60 s:\n${child.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function exitCode(child: Child): number | null | undefined {
  const { exitCode: code, signalCode } = child.process;
  if (code !== null) return code;
  return signalCode !== null ? null : undefined;
}

/** pino's JSON lines at level error (50) and above, by the request header the fuzzer numbers requests with. */
function loggedErrors(output: string): Map<string, string[]> {
  const errors = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: LogEntry;
    try {
      entry = JSON.parse(line) as LogEntry;
    } catch {
      continue;
    }
    if ((entry.level ?? 0) < 50) continue;
    const index = String(entry.req?.headers?.['x-fuzz-request'] ?? '');
    const text = entry.err?.stack ?? entry.msg ?? line;
    errors.set(index, [...(errors.get(index) ?? []), text]);
  }
  return errors;
}

interface LogEntry {
  level?: number;
  msg?: string;
  err?: { stack?: string };
  req?: { headers?: Record<string, string | undefined> };
}
