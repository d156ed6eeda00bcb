import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@herald/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../support/api-client';
import { Child, startChild, stopChild } from '../support/child-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/herald-app';
import { settledNotification } from '../support/notifications';
import { SmtpSink } from '../support/smtp-sink';

const NOTIFICATIONS = 12;

/** What `npm start` decides about the clone's dist/: 'missing', 'stale' (build first) or 'fresh' (start at once). */
function distState(clone: string): string {
  const probe = "import { distState } from './scripts/build-state.mjs'; console.log(distState())";
  return execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: clone, encoding: 'utf8' }).trim();
}

/**
 * The split deployment from one checkout, as an operator runs it: a fresh clone, one `npm run build`, then an api
 * and two workers started at the same moment. Each start used to run its own build over the one dist/ the others
 * were loading, and the api died with "Cannot find module '@herald/core'".
 */
describe('an api and two workers started together from one fresh clone', () => {
  const folder = mkdtempSync(join(tmpdir(), 'herald-split-'));
  const clone = join(folder, 'herald');
  const running: Child[] = [];
  let db: TestDatabase;
  let smtp: SmtpSink;

  beforeAll(async () => {
    // The committed HEAD, as CI and operators get it. node_modules is shared rather than installed (npm ci: ~30 s).
    execFileSync('git', ['clone', '--quiet', process.cwd(), clone]);
    symlinkSync(join(process.cwd(), 'node_modules'), join(clone, 'node_modules'));
    db = await createTestDatabase();
    smtp = await new SmtpSink().start();
  });

  afterAll(async () => {
    for (const child of running) await stopChild(child);
    await smtp?.stop();
    await db?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('refuses to start a worker before anything is built, in one line and no stack trace', async () => {
    expect(distState(clone)).toBe('missing');
    const worker = startChild('npm', ['run', 'start:worker'], { cwd: clone, env: process.env });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('dist/ is missing: run npm run build first');
    expect(worker.output()).not.toMatch(/^\s+at /m);
  });

  it('builds once, then the three deliver every notification exactly once', { timeout: 180_000 }, async () => {
    const build = startChild('npm', ['run', 'build'], { cwd: clone, env: process.env });
    expect(await build.exited, build.output()).toBe(0);
    expect(distState(clone)).toBe('fresh');

    const port = await freePort();
    const env = {
      ...process.env,
      ...testEnv(db.url, { PORT: String(port), SMTP_URL: smtp.url, REDIS_URL: inject('redisUrl') ?? undefined }),
    };
    for (const script of ['start:api', 'start:worker', 'start:worker']) {
      running.push(startChild('npm', ['run', script], { cwd: clone, env }));
    }
    const api = new ApiClient(`http://127.0.0.1:${port}`, env.ADMIN_API_KEY);
    await eventually(async () => (await api.get('/health/ready')).status === 200, {
      timeoutMs: 60_000,
      what: 'the api to be ready',
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${running[0].output()}`);
    });

    const ids: string[] = [];
    for (let i = 0; i < NOTIFICATIONS; i++) {
      const sent = await api.post<{ id: string }>('/v1/notifications', {
        content: { email: { subject: `split ${i}`, text: 'from one of two workers' } },
        to: { email: `split-${i}@example.com` },
      });
      expect(sent.status).toBe(202);
      ids.push(sent.body.id);
    }
    for (const id of ids) {
      expect(await settledNotification(api, id, 'completed', 60_000)).toMatchObject({
        deliveries: [{ status: 'sent', captured: false }],
      });
    }
    const recipients = smtp.messages.flatMap((message) => message.envelope.to).sort();
    expect(recipients).toEqual(ids.map((_, i) => `split-${i}@example.com`).sort());
    for (const child of running) {
      expect(child.process.exitCode, child.output()).toBeNull();
      expect(child.output()).not.toMatch(/Cannot find module|^\s+at /m);
    }
  });

  it('counts a source edited after the build as a reason to build again', () => {
    const later = new Date(Date.now() + 1000);
    utimesSync(join(clone, 'libs', 'core', 'src', 'index.ts'), later, later);
    expect(distState(clone)).toBe('stale');
  });
});
