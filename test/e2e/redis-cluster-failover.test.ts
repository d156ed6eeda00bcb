import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryQueueName } from '@herald/core';
import type { FaultReceiver } from '../../faults/receiver';
import { deliverExactlyOnce } from '../scale/support/exactly-once';
import { WebhookInstallation } from '../scale/support/webhook-installation';
import { stopChild } from '../support/child-process';
import { eventually } from '../support/eventually';
import type { Installation } from '../support/installation';
import { RedisCluster } from '../support/redis-cluster';

const NOTIFICATIONS = 400;

/**
 * Herald split in processes (an api, two workers, from dist/) on a Redis Cluster of the test's own; at 30 % of 400
 * webhooks delivered, the master holding the webhook queue's slot is killed (SIGKILL). Its replica takes over within
 * a few seconds; whatever the failover dropped (jobs not yet copied to the replica, enqueues refused meanwhile)
 * the reconciler puts back from PostgreSQL. Nothing accepted is lost, none is sent twice unless an attempt was
 * recorded failed, and every process still stops in bounded time.
 */
describe.skipIf(!RedisCluster.available())('a Redis Cluster master killed while webhooks are in flight', () => {
  const cluster = new RedisCluster();
  const run = new WebhookInstallation();
  let receiver: FaultReceiver;
  let installation: Installation;

  beforeAll(async () => {
    await cluster.start();
    const env = {
      REDIS_CLUSTER_NODES: cluster.nodes,
      // Short, so what the failover dropped comes back within seconds.
      RECONCILE_INTERVAL_MS: '1000',
      DELIVERY_SENDING_LEASE_MS: '5000',
      WORKER_CONCURRENCY: '10',
    };
    // Slow answers and few slots: most of the 400 are still jobs in the queue when its master dies.
    installation = await run.start({ apis: 1, workers: 2, env }, 250);
    receiver = run.receiver!;
  }, 120_000);

  // Bounded: each process gets SIGTERM, then SIGKILL after 20 s; the cluster's nodes are killed outright.
  afterAll(async () => {
    await run.stop();
    await cluster.stop();
  }, 90_000);

  it(
    `delivers and records all ${NOTIFICATIONS}, the master of the webhook queue killed at 30 %`,
    { timeout: 300_000 },
    async () => {
      const victim = await cluster.masterOf(`{${deliveryQueueName('webhook')}}`);
      const outcome = deliverExactlyOnce(installation, receiver, NOTIFICATIONS, 240_000);
      // Caught here too, so a failure before the fault is the one reported.
      outcome.catch(() => undefined);
      await Promise.race([
        eventually(() => receiver.deliveredCount >= NOTIFICATIONS * 0.3, {
          timeoutMs: 120_000,
          intervalMs: 20,
          what: '30 % delivered',
        }).catch((error: Error) => {
          throw new Error(`${error.message} (got ${receiver.deliveredCount})\n${installation.output().slice(-4_000)}`);
        }),
        outcome,
      ]);
      const inFlight = receiver.inProgress;
      cluster.kill(victim);
      const killedAt = performance.now();
      await cluster.waitForFailover(victim);
      const promotedInSeconds = (performance.now() - killedAt) / 1000;
      expect(await cluster.masterOf(`{${deliveryQueueName('webhook')}}`)).not.toBe(victim);

      const { totalSeconds } = await outcome;
      console.log(
        `redis-cluster failover: notifications=${NOTIFICATIONS} in_flight_at_kill=${inFlight} ` +
          `promoted_in_s=${promotedInSeconds.toFixed(1)} all_delivered_in_s=${totalSeconds.toFixed(1)} ` +
          `duplicates=${receiver.duplicates}`,
      );
      // Every process still stops by itself after the failover, within its shutdown's bounds (5 s per queue), long
      // before the SIGKILL of stopChild.
      const children = [...installation.workers, ...installation.apis];
      const codes = await Promise.all(children.map((child) => stopChild(child, 30_000)));
      // A process that did not stop (null: killed) says why in its own output.
      expect(codes, installation.output().slice(-4_000)).toEqual(codes.map(() => 0));
    },
  );
});
