import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FaultReceiver } from '../../faults/receiver';
import { createTestDatabase, TestDatabase } from '../support/database';
import { Installation } from '../support/installation';
import { RedisCluster } from '../support/redis-cluster';
import { deliverExactlyOnce } from './support/exactly-once';

const NOTIFICATIONS = Number(process.env.SCALE_NOTIFICATIONS ?? 10_000);

/**
 * many-processes.test.ts again, on a Redis Cluster the test starts (3 masters, 3 replicas): 2 api and 3 worker
 * processes, 10,000 webhook notifications over both apis, each delivered once and all recorded, with the channel
 * queues, the transport claims and the inbox events spread over the masters.
 */
describe.skipIf(!RedisCluster.available())('2 api and 3 worker processes on PostgreSQL and a Redis Cluster', () => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const cluster = new RedisCluster();
  let db: TestDatabase;
  let receiver: FaultReceiver;
  let installation: Installation;

  beforeAll(async () => {
    await cluster.start();
    db = await createTestDatabase();
    receiver = await new FaultReceiver(secret, 5).start();
    installation = new Installation({
      databaseUrl: db.url,
      apis: 2,
      workers: 3,
      env: { REDIS_CLUSTER_NODES: cluster.nodes, WEBHOOK_SECRET: secret },
    });
    await installation.start();
  });

  afterAll(async () => {
    await installation?.stop();
    await receiver?.stop();
    await cluster.stop();
    await db?.drop();
  });

  it(`delivers ${NOTIFICATIONS} notifications once each, all recorded`, { timeout: 600_000 }, async () => {
    const outcome = await deliverExactlyOnce(installation, receiver, NOTIFICATIONS, 540_000);
    console.log(
      `many-processes (2 api, 3 workers, Redis Cluster of 3 masters): notifications=${NOTIFICATIONS} ` +
        `accepted_in_s=${outcome.acceptSeconds.toFixed(1)} all_delivered_in_s=${outcome.totalSeconds.toFixed(1)} ` +
        `delivered_per_s=${outcome.deliveredPerSecond.toFixed(0)}`,
    );
  });
});
