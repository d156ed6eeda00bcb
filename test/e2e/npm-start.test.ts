import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { freePort } from '@herald/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client';
import type { OpenApiDocument, Readiness } from '../support/api-types';
import { eventually } from '../support/eventually';
import { sendNotification, settledNotification } from '../support/notifications';

const MAIN = 'dist/apps/herald/src/main.js';

interface Started {
  process: ChildProcess;
  output: () => string;
}

/**
 * `npm start` as a new user runs it: no DATABASE_URL, no REDIS_URL, no key, no SMTP. Only the ports
 * are chosen free, so the run does not depend on 3000 and 3001 being unused on this machine.
 */
function start(dataDir: string, port: number, tcpPort: number): Started {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HERALD_DATA_DIR: dataDir,
    PORT: String(port),
    MICROSERVICE_TCP_PORT: String(tcpPort),
  };
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return { process: child, output: () => output };
}

async function stop(started: Started): Promise<number | null> {
  if (started.process.exitCode !== null) return started.process.exitCode;
  const exited = new Promise<number | null>((resolve) => started.process.once('exit', (code) => resolve(code)));
  started.process.kill('SIGTERM');
  return exited;
}

describe('npm start with no settings', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-start-'));
  let running: Started | undefined;

  afterAll(async () => {
    if (running) await stop(running);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs on an embedded PostgreSQL, prints a key once, and captures email', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: npm test builds it first (npm run build)`);
    const port = await freePort();
    running = start(dataDir, port, await freePort());
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

    const sent = await sendNotification(api, {
      content: { email: { subject: 'Welcome {{name}}', text: 'Hello {{name}}' } },
      to: { email: 'new-user@example.com' },
      data: { name: 'Ada' },
    });
    expect(sent.status).toBe(202);
    const done = await settledNotification(api, sent.body.id, 'completed', 15_000);
    expect(done.deliveries[0]).toMatchObject({
      status: 'sent',
      captured: true,
      content: { subject: 'Welcome Ada', text: 'Hello Ada' },
    });
    expect(await stop(running)).toBe(0);
    running = undefined;
  });

  it('starts again on the same data, keeps the key and prints no new one', async () => {
    const port = await freePort();
    running = start(dataDir, port, await freePort());
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
    expect(await stop(running)).toBe(0);
    running = undefined;
  });
});
