import { randomBytes } from 'node:crypto';
import { freePort } from '@herald/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Child, startChild, stopChild } from '../support/child-process';
import { eventually } from '../support/eventually';
import { anEmail, aWebhook } from '../support/factories';
import { testEnv } from '../support/herald-app';
import { useHerald } from '../support/herald-harness';
import { sendNotification, settledNotification } from '../support/notifications';
import { Family, scrape, scrapeWithQueues, value } from '../support/prometheus';
import { queueBackends } from '../support/queue-backends';
import { SmtpSink } from '../support/smtp-sink';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * The production shape: an api (here, in this process) and a worker-only process (`npm run start:worker`'s
 * entry, a child) with METRICS_PORT. The worker's own /metrics shows the deliveries it made, exactly.
 */
describe.each(queueBackends())('a worker-only process on the $name queue backend', (backend) => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const smtp = new SmtpSink();
  const receiver = new WebhookReceiver(secret);
  const harness = useHerald({
    apps: ['api'],
    backend,
    peers: [smtp, receiver],
    env: { WEBHOOK_SECRET: secret },
    skip: backend.skip,
  });
  let worker: Child;
  let metricsUrl: string;

  beforeAll(async () => {
    if (backend.skip) return;
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}`;
    worker = startChild('node', ['scripts/start.mjs', 'worker'], {
      env: {
        ...process.env,
        ...testEnv(harness.db.url, {
          ...backend.env,
          // The api's queues: the same key prefix on Redis.
          REDIS_PREFIX: harness.config.redis.prefix,
          METRICS_PORT: String(port),
          SMTP_URL: smtp.url,
          WEBHOOK_SECRET: secret,
        }),
      },
    });
    await eventually(async () => (await fetch(`${metricsUrl}/metrics`).catch(() => undefined))?.status === 200, {
      timeoutMs: 30_000,
      what: 'the worker to serve /metrics',
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${worker.output()}`);
    });
  }, 60_000);

  afterAll(async () => {
    if (worker) await stopChild(worker);
  });

  it.skipIf(backend.skip)('serves its queue depths and nothing but /metrics', async () => {
    const families = await scrapeWithQueues(metricsUrl);
    expect(value(families, 'herald_queue_up')).toBe(1);
    const states = families.get('herald_queue_jobs')!.samples.map((s) => `${s.labels.channel}/${s.labels.state}`);
    expect(states).toContain('webhook/delayed');
    expect(families.get('process_resident_memory_bytes')?.type).toBe('gauge');
    expect((await fetch(`${metricsUrl}/v1/notifications`)).status).toBe(404);
  });

  it.skipIf(backend.skip)('counts exactly the deliveries it made, their attempts and latencies', async () => {
    const before = await scrape(metricsUrl);
    receiver.script('/flaky', { status: 503 });
    receiver.script('/gone', { status: 410 });
    const sends = [
      anEmail('a@example.com'),
      anEmail('b@example.com'),
      anEmail('c@example.com'),
      aWebhook(receiver.url('/flaky')),
      aWebhook(receiver.url('/gone')),
    ];
    const ids: string[] = [];
    for (const body of sends) {
      const sent = await sendNotification(harness.admin, body);
      expect(sent.status).toBe(202);
      ids.push(sent.body.id);
    }
    for (const id of ids) await settledNotification(harness.admin, id);
    expect(smtp.messages).toHaveLength(3);

    let after = new Map<string, Family>();
    const delta = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    // Recorded just after each row commits, so a scrape right after the settled reads may be a moment early.
    await eventually(
      async () => {
        after = await scrape(metricsUrl);
        return (
          delta('herald_deliveries_total', { channel: 'email', status: 'sent' }) === 3 &&
          delta('herald_deliveries_total', { channel: 'webhook', status: 'delivered' }) +
            delta('herald_deliveries_total', { channel: 'webhook', status: 'failed' }) ===
            2
        );
      },
      { what: 'the five deliveries to be counted' },
    );
    expect(delta('herald_deliveries_total', { channel: 'webhook', status: 'delivered' })).toBe(1);
    expect(delta('herald_deliveries_total', { channel: 'webhook', status: 'failed' })).toBe(1);
    expect(delta('herald_delivery_attempts_total', { channel: 'email', outcome: 'ok' })).toBe(3);
    expect(delta('herald_delivery_attempts_total', { channel: 'webhook', outcome: 'ok' })).toBe(1);
    expect(delta('herald_delivery_attempts_total', { channel: 'webhook', outcome: 'transient_error' })).toBe(1);
    expect(delta('herald_delivery_attempts_total', { channel: 'webhook', outcome: 'permanent_error' })).toBe(1);
    // Accept → sent/delivered: one observation per delivery that succeeded, none for the failed one.
    expect(delta('herald_delivery_latency_seconds_count', { channel: 'email' })).toBe(3);
    expect(delta('herald_delivery_latency_seconds_count', { channel: 'webhook' })).toBe(1);
    expect(delta('herald_delivery_latency_seconds_bucket', { channel: 'email', le: '+Inf' })).toBe(3);
    // One provider call per attempt.
    expect(delta('herald_provider_call_duration_seconds_count', { channel: 'email', outcome: 'ok' })).toBe(3);
    expect(delta('herald_provider_call_duration_seconds_count', { channel: 'webhook', outcome: 'ok' })).toBe(1);
    expect(delta('herald_provider_call_duration_seconds_count', { channel: 'webhook', outcome: 'error' })).toBe(2);
    // Accepting is the api's: the worker counted none.
    expect(delta('herald_notifications_accepted_total', { transport: 'http' })).toBe(0);
    expect(value(after, 'herald_notifications_accepted_total', { transport: 'http' })).toBe(0);
  });
});
