import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { MicroserviceTransport } from '../config/herald-config';
import { Channel, CHANNELS } from '../domain/channel';
import { DeliveryQueue } from '../queue/delivery-queue';
import { OrchestrationQueues } from '../queue/orchestration-queues';
import { registerQueueDepthGauges } from './queue-depth.gauges';

/** How a delivery ended. */
export const DELIVERY_END_STATUSES = ['sent', 'delivered', 'failed'] as const;
export type DeliveryEndStatus = (typeof DELIVERY_END_STATUSES)[number];

/** How one attempt ended, as the attempt log records it: a transient error schedules a retry (until the last). */
export const ATTEMPT_OUTCOMES = ['ok', 'transient_error', 'permanent_error'] as const;
export type AttemptOutcomeLabel = (typeof ATTEMPT_OUTCOMES)[number];

/** Where an accepted notification came in: REST, or one of the microservice transports. */
export type AcceptTransport = 'http' | MicroserviceTransport;
const ACCEPT_TRANSPORTS: AcceptTransport[] = ['http', 'tcp', 'redis', 'rmq'];

/** Ends a provider-call timer; the first call counts, so a caller may end it on every path. */
export type ProviderCallTimer = (outcome: 'ok' | 'error') => void;

/**
 * Herald's Prometheus metrics, in every process: the api and the monolith serve them at /metrics on PORT, a
 * worker-only process on METRICS_PORT (apps/worker/src/metrics). Counters move in their own process only, so in
 * the api + worker shape Prometheus sums the instances. Each app instance has a registry of its own (tests run
 * several apps in one process, and prom-client's global registry would refuse the second set of names).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, in seconds.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly notificationsAccepted = new Counter({
    name: 'herald_notifications_accepted_total',
    help: 'Notifications accepted, by transport (http, tcp, redis, rmq); an idempotent replay is not counted again.',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  private readonly deliveriesAccepted = new Counter({
    name: 'herald_deliveries_accepted_total',
    help: 'Deliveries of accepted notifications by channel and initial status (queued, scheduled, skipped).',
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });

  private readonly deliveriesEnded = new Counter({
    name: 'herald_deliveries_total',
    help: 'Deliveries that ended, by channel and status (sent, delivered, failed).',
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });

  private readonly attempts = new Counter({
    name: 'herald_delivery_attempts_total',
    help: 'Delivery attempts by channel and outcome as the attempt log records it (ok, transient_error, permanent_error).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly deliveryLatency = new Histogram({
    name: 'herald_delivery_latency_seconds',
    help: 'From accept (or the notification sendAt, when later) to the delivery sent or delivered, by channel, in seconds; retries included.',
    labelNames: ['channel'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400],
    registers: [this.registry],
  });

  private readonly providerCall = new Histogram({
    name: 'herald_provider_call_duration_seconds',
    help: "One call to a channel's driver (SMTP, Twilio, push service, webhook target, inbox store), by channel and outcome, in seconds.",
    labelNames: ['channel', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor(queues: DeliveryQueue, orchestrationQueues: OrchestrationQueues) {
    collectDefaultMetrics({ register: this.registry });
    // Known label values start at 0, so rate() and absent() work before the first event.
    for (const transport of ACCEPT_TRANSPORTS) this.notificationsAccepted.inc({ transport }, 0);
    for (const channel of CHANNELS) {
      for (const status of DELIVERY_END_STATUSES) this.deliveriesEnded.inc({ channel, status }, 0);
      for (const outcome of ATTEMPT_OUTCOMES) this.attempts.inc({ channel, outcome }, 0);
    }
    registerQueueDepthGauges(this.registry, queues, orchestrationQueues);
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

  /** Starts timing one driver call. */
  startProviderCall(channel: Channel): ProviderCallTimer {
    const end = this.providerCall.startTimer({ channel });
    let ended = false;
    return (outcome) => {
      if (ended) return;
      ended = true;
      end({ outcome });
    };
  }

  /** One attempt recorded; `ended` when it also ended the delivery, with the time it was due since. */
  recordAttempt(
    channel: Channel,
    outcome: AttemptOutcomeLabel,
    ended?: { status: DeliveryEndStatus; dueAt: Date },
  ): void {
    this.attempts.inc({ channel, outcome });
    if (!ended) return;
    this.deliveriesEnded.inc({ channel, status: ended.status });
    if (ended.status !== 'failed') {
      this.deliveryLatency.observe({ channel }, Math.max(0, Date.now() - ended.dueAt.getTime()) / 1000);
    }
  }
}
