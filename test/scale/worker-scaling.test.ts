import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAll } from '../../faults/load';
import { FaultReceiver } from '../../faults/receiver';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { Installation } from '../support/installation';
import { queueBackends } from '../support/queue-backends';
import { expectDuplicatesExplained } from './support/exactly-once';

/** Per worker count: enough to keep the workers busy for several seconds on a 2-core machine. */
const NOTIFICATIONS = Number(process.env.SCALE_SCALING_NOTIFICATIONS ?? 1_000);

/**
 * What worker processes sustain (README, "Running at scale"): one api accepts the notifications while no worker
 * runs, then N workers start together and drain them; the rate is the receiver's, from the moment every worker is
 * up to its last webhook. Printed, not asserted (the machine's load decides it); each run must still deliver
 * everything, a second time only where an attempt failed.
 */
describe.each(queueBackends())('webhook deliveries per second by worker processes, queues on $name', (backend) => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const rates: string[] = [];
  let db: TestDatabase;
  let installation: Installation;

  beforeAll(async () => {
    if (backend.skip) return;
    db = await createTestDatabase();
    installation = new Installation({
      databaseUrl: db.url,
      apis: 1,
      workers: 0,
      env: { ...backend.env, WEBHOOK_SECRET: secret },
    });
    await installation.start();
  });

  afterAll(async () => {
    if (rates.length) console.log(`worker scaling (${backend.name}): ${rates.join(', ')}`);
    await installation?.stop();
    await db?.drop();
  });

  it.skipIf(backend.skip).each([1, 2, 3])('%i worker(s)', async (workers) => {
    const receiver = await new FaultReceiver(secret, 5).start();
    try {
      const accepted = await sendAll(
        installation.baseUrl,
        installation.adminKey,
        receiver.url(),
        NOTIFICATIONS,
        Date.now() + 120_000,
      );
      expect(accepted.size).toBe(NOTIFICATIONS);
      await Promise.all(Array.from({ length: workers }, () => installation.addWorker()));
      // The rate counts from the moment the last of them is up: the first ones may have started earlier.
      const allUp = performance.now();
      const before = receiver.deliveredCount;
      await eventually(() => receiver.deliveredCount >= NOTIFICATIONS, {
        timeoutMs: 180_000,
        intervalMs: 250,
        what: `${NOTIFICATIONS} webhooks`,
      });
      await expectDuplicatesExplained(installation, receiver);
      const perSecond = (NOTIFICATIONS - before) / ((receiver.lastDeliveredAt - allUp) / 1000);
      rates.push(`${workers} → ${perSecond.toFixed(0)}/s (${before} delivered before the last worker was up)`);
    } finally {
      await installation.stopWorkers();
      await receiver.stop();
    }
  });
});
