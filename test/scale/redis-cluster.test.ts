import { afterAll, beforeAll, describe, it } from 'vitest';
import { RedisCluster } from '../support/redis-cluster';
import { deliverExactlyOnce } from './support/exactly-once';
import { WebhookInstallation } from './support/webhook-installation';

const NOTIFICATIONS = Number(process.env.SCALE_NOTIFICATIONS ?? 10_000);

/**
 * many-processes.test.ts again, on a Redis Cluster the test starts (3 masters, 3 replicas): 2 api and 3 worker
 * processes, 10,000 webhook notifications over both apis, each delivered once and all recorded, with the channel
 * queues, the transport claims and the inbox events spread over the masters.
 */
describe.skipIf(!RedisCluster.available())('2 api and 3 worker processes on PostgreSQL and a Redis Cluster', () => {
  const cluster = new RedisCluster();
  const run = new WebhookInstallation();

  beforeAll(async () => {
    await cluster.start();
    await run.start({ apis: 2, workers: 3, env: { REDIS_CLUSTER_NODES: cluster.nodes } }, 5);
  });

  afterAll(async () => {
    await run.stop();
    await cluster.stop();
  });

  it(`delivers ${NOTIFICATIONS} notifications once each, all recorded`, { timeout: 600_000 }, async () => {
    const outcome = await deliverExactlyOnce(run.installation!, run.receiver!, NOTIFICATIONS, 540_000);
    console.log(
      `many-processes (2 api, 3 workers, Redis Cluster of 3 masters): notifications=${NOTIFICATIONS} ` +
        `accepted_in_s=${outcome.acceptSeconds.toFixed(1)} all_delivered_in_s=${outcome.totalSeconds.toFixed(1)} ` +
        `delivered_per_s=${outcome.deliveredPerSecond.toFixed(0)}`,
    );
  });
});
