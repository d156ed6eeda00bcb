import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Channel, CHANNELS } from '../domain/channel';
import { DeliveryQueue } from '../queue/delivery-queue';
import { within } from '../runtime/within';

/** How one delivery attempt ended: the first three end the delivery, `retried` schedules another attempt. */
export const DELIVERY_OUTCOMES = ['sent', 'delivered', 'failed', 'retried'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Where an accepted notification came in. */
export type AcceptTransport = 'http' | 'rpc';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** A scrape must answer even when the queue store does not (BullMQ's Redis commands wait for a reconnect). */
const QUEUE_COUNTS_TIMEOUT_MS = 2_000;

/**
 * Herald's Prometheus metrics. Each app instance has a registry of its own
 * (tests run several apps in one process, and prom-client's global registry
 * would refuse the second set of names). Counters move in this process only:
 * the API's /metrics shows the worker's counters in the monolith. A
 * worker-only process has no MetricsService (it serves no HTTP, so it does not
 * import MetricsModule) and counts nothing.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly logger = new Logger(MetricsService.name);

  private readonly httpDuration = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, in seconds.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly notificationsAccepted = new Counter({
    name: 'herald_notifications_accepted_total',
    help: 'Notifications accepted, by transport (http, rpc); an idempotent replay is not counted again.',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  private readonly deliveriesAccepted = new Counter({
    name: 'herald_deliveries_accepted_total',
    help: 'Deliveries of accepted notifications by channel and initial status (queued, scheduled, skipped).',
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });

  private readonly deliveryOutcomes = new Counter({
    name: 'herald_delivery_outcomes_total',
    help: 'Delivery attempts by channel and how they ended: sent, delivered or failed end the delivery; retried schedules another attempt.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(queues: DeliveryQueue) {
    collectDefaultMetrics({ register: this.registry });
    // Known label values start at 0, so rate() and absent() work before the first event.
    this.notificationsAccepted.inc({ transport: 'http' }, 0);
    for (const channel of CHANNELS) {
      for (const outcome of DELIVERY_OUTCOMES) this.deliveryOutcomes.inc({ channel, outcome }, 0);
    }

    // Read on scrape, not polled: nothing runs between scrapes, and a worker-only process never pays for it.
    // Both gauges are collected concurrently by one scrape and share its single read of the counts.
    // A read the store has not answered is reused by the next scrapes rather than queued again behind it.
    type Counts = Awaited<ReturnType<DeliveryQueue['counts']>>;
    let inFlight: Promise<Counts> | undefined;
    let reading: Promise<Counts | undefined> | undefined;
    const readCounts = () =>
      (reading ??= within((inFlight ??= queues.counts().finally(() => (inFlight = undefined))), QUEUE_COUNTS_TIMEOUT_MS)
        .catch((error: Error) => {
          this.logger.warn(`queue counts for /metrics: ${error.message}`);
          return undefined;
        })
        .finally(() => (reading = undefined)));

    new Gauge({
      name: 'herald_queue_up',
      help: '1 when the queue store answered the job counts of this scrape, else 0.',
      registers: [this.registry],
      async collect() {
        this.set((await readCounts()) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'herald_queue_jobs',
      help: 'Jobs in each channel queue by state, read from the queue store on scrape.',
      labelNames: ['channel', 'state'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await readCounts();
        // No stale numbers when the store did not answer: the series are left out and herald_queue_up says why.
        this.reset();
        if (!counts) return;
        for (const channel of CHANNELS) {
          const byState = counts[channel];
          for (const state of QUEUE_STATES) {
            // Every Herald job has a priority, and BullMQ keeps those in `prioritized`, not `waiting`.
            const value = (byState[state] ?? 0) + (state === 'waiting' ? (byState.prioritized ?? 0) : 0);
            this.set({ channel, state }, value);
          }
        }
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  recordAccepted(transport: AcceptTransport, deliveries: { channel: Channel; status: string }[]): void {
    this.notificationsAccepted.inc({ transport });
    for (const delivery of deliveries)
      this.deliveriesAccepted.inc({ channel: delivery.channel, status: delivery.status });
  }

  recordDelivery(channel: Channel, outcome: DeliveryOutcome): void {
    this.deliveryOutcomes.inc({ channel, outcome });
  }
}
