import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HeraldClient, HeraldClientModule, redisClusterTransport } from '@herald/client';
import { CHANNELS, deliveryQueueName, queuePrefix } from '@herald/core';
import { InboxEvents, inboxToken } from '@herald/recipients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey, Readiness } from '../support/api-types';
import { eventually } from '../support/eventually';
import { anApiKey, anInAppMessage, aWebhook } from '../support/factories';
import type { RunningHerald } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { sendNotification, settledNotification } from '../support/notifications';
import { scrapeWithQueues, value } from '../support/prometheus';
import { RedisCluster } from '../support/redis-cluster';
import { SseClient } from '../support/sse-client';
import { WebhookReceiver } from '../support/webhook-receiver';

const available = RedisCluster.available();
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const INBOX_SECRET = `inbox-secret-${randomBytes(8).toString('hex')}`;
const MICROSERVICE_TOKEN = `mst-${randomBytes(12).toString('hex')}`;
const REDIS_PREFIX = `herald-cluster-${randomBytes(4).toString('hex')}`;

/**
 * Herald on a Redis Cluster of the test's own (3 masters, 3 replicas, from redis-server): two API instances and a
 * worker of one installation, every Redis user on the cluster (queues, rate limits, inbox events, the transport).
 */
describe.skipIf(!available)('Herald on a Redis Cluster', () => {
  const cluster = new RedisCluster();
  const receiver = new WebhookReceiver(WEBHOOK_SECRET);
  const installation = useHerald({ app: false, peers: [cluster, receiver], timeoutMs: 120_000 });
  let apiA: RunningHerald;
  let apiB: RunningHerald;
  let worker: RunningHerald;
  /** The environment of every instance of this installation. */
  const env = () => ({
    REDIS_CLUSTER_NODES: cluster.nodes,
    REDIS_PREFIX,
    WEBHOOK_SECRET,
    INBOX_SECRET,
    MICROSERVICE_TOKEN,
  });

  beforeAll(async () => {
    [apiA, apiB, worker] = await Promise.all([
      installation.start({ apps: ['api'], env: { ...env(), MICROSERVICE_TRANSPORT: 'redis' } }),
      installation.start({ apps: ['api'], env: { ...env(), MICROSERVICE_TRANSPORT: 'redis' } }),
      installation.start({ apps: ['worker'], env: env() }),
    ]);
  }, 120_000);

  it('delivers a webhook and records it, each channel queue in one slot, the channels spread over the masters', async () => {
    const sent = await sendNotification(apiA.admin, aWebhook(receiver.url('/cluster'), { order: 'C-1' }));
    expect(sent.status).toBe(202);
    const done = await settledNotification(apiB.admin, sent.body.id, 'completed', 30_000);
    expect(done.deliveries).toMatchObject([{ channel: 'webhook', status: 'delivered' }]);
    expect(receiver.to('/cluster')).toHaveLength(1);
    expect(receiver.to('/cluster')[0].verifyError).toBeUndefined();
    expect((await apiB.admin.put('/v1/recipients/cluster-user', {})).status).toBe(201);
    const inApp = await sendNotification(apiB.admin, anInAppMessage('cluster-user'));
    expect(inApp.status).toBe(202);
    await settledNotification(apiA.admin, inApp.body.id, 'completed', 30_000);

    // Where each queue's keys are: all on the master of the queue's hash tag, and nowhere else.
    const owners = new Map<string, number>();
    for (const channel of CHANNELS) {
      const name = deliveryQueueName(channel);
      owners.set(name, await cluster.masterOf(`{${name}}`));
    }
    const found = new Map<string, Set<number>>();
    for (const master of await cluster.masters()) {
      for (const key of await cluster.keysOn(master, `${REDIS_PREFIX}:{*`)) {
        const name = /^[^{]*\{([^}]+)\}/.exec(key)![1];
        expect(key.startsWith(`${queuePrefix(REDIS_PREFIX, name)}:${name}:`), key).toBe(true);
        found.set(name, (found.get(name) ?? new Set()).add(master));
      }
    }
    for (const name of ['deliver-webhook', 'deliver-in-app']) {
      expect([...(found.get(name) ?? [])], name).toEqual([owners.get(name)]);
    }
    expect(owners.get('deliver-webhook')).not.toBe(owners.get('deliver-in-app'));
    expect(new Set(owners.values()).size).toBeGreaterThan(1);
  });

  it('is ready on the cluster and counts the queues in /metrics', async () => {
    for (const api of [apiA, apiB]) {
      const ready = await api.admin.get<Readiness>('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.queue).toMatchObject({ status: 'up', backend: 'redis' });
    }
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await sendNotification(apiA.admin, { ...aWebhook(receiver.url('/later')), sendAt });
    expect(scheduled.status).toBe(202);
    await eventually(
      async () =>
        value(await scrapeWithQueues(apiB.baseUrl), 'herald_queue_jobs', { channel: 'webhook', state: 'delayed' }) ===
        1,
      { what: 'the scheduled webhook counted as a delayed job', timeoutMs: 30_000 },
    );
  });

  it('holds a rate limit across two API instances', async () => {
    const LIMIT = 5;
    // A prefix of their own: the admin key's requests of the tests before count under the installation's.
    const limited = { ...env(), REDIS_PREFIX: `${REDIS_PREFIX}-limited`, RATE_LIMIT_PER_MINUTE: String(LIMIT) };
    const [one, two] = await Promise.all([
      installation.start({ apps: ['api'], env: limited }),
      installation.start({ apps: ['api'], env: limited }),
    ]);
    const created = await one.admin.post<CreatedApiKey>('/v1/admin/api-keys', anApiKey(['read'], 'cluster-rate'));
    expect(created.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) {
      const api = i % 2 ? two : one;
      statuses.push((await api.admin.withKey(created.body.key).get(`/v1/notifications/${randomUUID()}`)).status);
    }
    expect(statuses.filter((status) => status === 404)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT)).toEqual(Array(LIMIT).fill(429));
  });

  it('brings an inbox event to a stream on another API instance', async () => {
    for (const instance of [apiA, apiB, worker]) expect(instance.app.get(InboxEvents).kind).toBe('redis');
    const recipientId = 'cluster-sse';
    const stream = await SseClient.connect(
      `${apiA.baseUrl}/v1/recipients/${recipientId}/inbox/stream?token=${inboxToken(INBOX_SECRET, recipientId)}`,
    );
    try {
      expect(stream.status).toBe(200);
      expect((await apiB.admin.put(`/v1/recipients/${recipientId}`, {})).status).toBe(201);
      const sent = await sendNotification(
        apiB.admin,
        anInAppMessage(recipientId, { title: 'Hi', body: 'over the cluster' }),
      );
      expect(sent.status).toBe(202);
      const event = await stream.next((e) => e.event === 'message', 15_000);
      expect(JSON.parse(event.data)).toMatchObject({
        recipientId,
        notificationId: sent.body.id,
        body: 'over the cluster',
      });
    } finally {
      await stream.close();
    }
  });

  describe('the Redis transport, through libs/client on the cluster', () => {
    let sibling: INestApplicationContext;

    beforeAll(async () => {
      @Module({
        imports: [
          HeraldClientModule.register({
            transport: redisClusterTransport({ nodes: cluster.nodes.split(',') }),
            token: MICROSERVICE_TOKEN,
          }),
        ],
      })
      class SiblingModule {}
      sibling = await NestFactory.createApplicationContext(SiblingModule, { logger: false });
    });

    afterAll(async () => {
      await sibling?.close();
    });

    it('accepts each request once, though both API instances receive it', async () => {
      const client = sibling.get(HeraldClient);
      const markers = Array.from({ length: 20 }, () => randomUUID());
      const answers = await Promise.all(
        markers.map((marker) => client.send(aWebhook(receiver.url(`/transport/${marker}`), { marker }))),
      );
      expect(answers.every((answer) => answer.status === 'accepted')).toBe(true);
      const { rows } = await installation.pg.query<{ marker: string; count: number }>(
        `SELECT d.address->>'webhookUrl' AS marker, count(*)::int AS count FROM deliveries d
          WHERE d.address->>'webhookUrl' LIKE '%/transport/%' GROUP BY 1`,
      );
      expect(rows).toHaveLength(markers.length);
      expect(rows.every((row) => row.count === 1)).toBe(true);
      await eventually(() => markers.every((marker) => receiver.to(`/transport/${marker}`).length === 1), {
        what: 'each transport notification delivered once',
        timeoutMs: 30_000,
      });
    });
  });
});
