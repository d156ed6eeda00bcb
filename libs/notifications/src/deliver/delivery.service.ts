import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { DeliveryQueue, HeraldConfig, isDatabaseUnreachable, MetricsService } from '@herald/core';
import { ChannelRegistry, DriverResult, PermanentDeliveryError, TransientDeliveryError } from '@herald/channels';
import { PinoLogger } from 'nestjs-pino';
import { StepConditionRepository } from '../steps/step-condition.repository';
import { SuppressionRepository } from '../suppression/suppression.repository';
import { suppressionApplies } from '../suppression/suppression.types';
import { retryDelayMs } from './backoff';
import { DeliveryLeaseService } from './delivery-lease.service';
import { ClaimedDelivery, DeliveryRepository } from './delivery.repository';

/** How often an outcome PostgreSQL could not take is written again while it is unreachable. */
const RECORD_RETRY_MS = 500;

/**
 * Delivering one delivery: claim it, call its channel's driver, record the
 * attempt and the outcome. Failures are recorded, not thrown: the row counts
 * the attempts, and a transient failure with attempts left wakes the next one
 * with a delayed job of its own.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly leases: DeliveryLeaseService,
    private readonly channels: ChannelRegistry,
    private readonly queue: DeliveryQueue,
    private readonly config: HeraldConfig,
    private readonly metrics: MetricsService,
    private readonly log: PinoLogger,
    private readonly suppressions: SuppressionRepository,
    private readonly steps: StepConditionRepository,
  ) {}

  /** Every line logged while delivering, the drivers' included, carries `deliveryId` and, once claimed, `notificationId`. */
  deliver(deliveryId: string): Promise<void> {
    return this.log.runInContext(() => this.claimAndSend(deliveryId), { bindings: { deliveryId } });
  }

  private async claimAndSend(deliveryId: string): Promise<void> {
    const delivery = await this.deliveries.claim(deliveryId, this.config.delivery.sendingLeaseMs);
    // Already sent, cancelled or being sent by another worker: a duplicate job does nothing.
    if (!delivery) return;
    this.log.assign({ notificationId: delivery.notificationId, channel: delivery.channel, attempt: delivery.attempt });
    // Renewed while the send runs, and released once its outcome is recorded (or could not be).
    this.leases.hold(delivery);
    try {
      if ((await this.skippedAsRead(delivery)) || (await this.skippedAsSuppressed(delivery))) return;
      await this.attempt(delivery);
    } finally {
      this.leases.release(delivery);
    }
  }

  /** An escalation step `unless: "read"` whose notification's in-app message was read by now ends `already_read`. */
  private async skippedAsRead(delivery: ClaimedDelivery): Promise<boolean> {
    if (delivery.unless !== 'read' || !(await this.steps.inAppRead(delivery.notificationId))) return false;
    const skipped = await this.record(() => this.deliveries.skipClaimed(delivery, 'already_read'));
    if (!skipped) this.lost(delivery);
    else this.logger.log('delivery skipped: the in-app message was read');
    return true;
  }

  /**
   * Checked here, at send time, rather than at accept: a bounce or STOP recorded after the notification was
   * accepted still stops it. One probe of the suppression index per email or SMS; other channels have none.
   */
  private async skippedAsSuppressed(delivery: ClaimedDelivery): Promise<boolean> {
    const channel = delivery.channel;
    const address =
      channel === 'email' ? delivery.address.email : channel === 'sms' ? delivery.address.phone : undefined;
    if (!address || (channel !== 'email' && channel !== 'sms')) return false;
    const reasons = await this.suppressions.reasonsFor(channel, address, delivery.notificationId);
    const applied = reasons.find(({ reason, critical }) => suppressionApplies(reason, critical));
    if (!applied) return false;
    const skipped = await this.record(() => this.deliveries.skipClaimed(delivery, 'suppressed'));
    if (!skipped) this.lost(delivery);
    else this.logger.log({ suppression: applied.reason }, 'delivery skipped: the address is suppressed');
    return true;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    let sent: DriverResult;
    const providerCall = this.metrics.startProviderCall(delivery.channel);
    try {
      sent = await this.channels.driver(delivery.channel).send({
        deliveryId: delivery.id,
        notificationId: delivery.notificationId,
        channel: delivery.channel,
        attempt: delivery.attempt,
        address: delivery.address,
        content: delivery.content,
        priority: delivery.priority,
      });
      providerCall('ok');
    } catch (error) {
      providerCall('error');
      return this.failed(delivery, error);
    }
    // Outside the send's try: a failure to record a send that happened must not be taken for a failed send.
    const recorded = await this.record(() =>
      this.deliveries.finish(delivery, sent.status, {
        outcome: 'ok',
        providerMessageId: sent.providerMessageId,
        captured: sent.captured,
        provider: sent.provider,
      }),
    );
    if (!recorded) return this.lost(delivery);
    this.metrics.recordAttempt(delivery.channel, 'ok', { status: sent.status, dueAt: delivery.dueAt });
    this.logger.log({ status: sent.status, providerMessageId: sent.providerMessageId }, `delivery ${sent.status}`);
  }

  private async failed(delivery: ClaimedDelivery, error: unknown): Promise<void> {
    const message = (error as Error).message || String(error);
    const permanent = error instanceof PermanentDeliveryError;
    const provider =
      error instanceof PermanentDeliveryError || error instanceof TransientDeliveryError ? error.provider : undefined;
    if (permanent || delivery.attempt >= this.config.delivery.maxAttempts) {
      const recorded = await this.record(() =>
        this.deliveries.finish(delivery, 'failed', {
          outcome: permanent ? 'permanent_error' : 'transient_error',
          error: permanent ? message : `${message} (gave up after ${delivery.attempt} attempts)`,
          provider,
        }),
      );
      if (!recorded) return this.lost(delivery);
      this.logger.warn(`delivery failed: ${message}`);
      this.metrics.recordAttempt(delivery.channel, permanent ? 'permanent_error' : 'transient_error', {
        status: 'failed',
        dueAt: delivery.dueAt,
      });
      return;
    }
    const retryAfter = error instanceof TransientDeliveryError ? (error.retryAfterMs ?? 0) : 0;
    const delayMs = Math.max(retryDelayMs(delivery.attempt, this.config.delivery.backoffMs), retryAfter);
    const recorded = await this.record(() =>
      this.deliveries.scheduleRetry(
        delivery,
        { outcome: 'transient_error', error: message, provider },
        new Date(Date.now() + delayMs),
      ),
    );
    if (!recorded) return this.lost(delivery);
    this.metrics.recordAttempt(delivery.channel, 'transient_error');
    this.logger.warn({ retryInMs: delayMs }, `delivery attempt failed, retrying: ${message}`);
    // The next attempt's wake-up, a job of its own (this one ends now). Lost with the queue store, the
    // reconciler finds the row `queued` and enqueues it again.
    await this.queue.enqueueAfterCommit([
      {
        deliveryId: delivery.id,
        channel: delivery.channel,
        priority: delivery.priority,
        delayMs,
        attemptsMade: delivery.attempt,
      },
    ]);
  }

  /**
   * Writes an outcome, again and again while PostgreSQL is unreachable: a send
   * that happened during an outage is recorded once it is back rather than left
   * `sending` for another worker to repeat. The lease is renewed meanwhile (as
   * soon as PostgreSQL answers), and the write is fenced by the attempt, so
   * should another worker have taken the delivery over, this one changes only
   * its own attempt.
   */
  private async record(write: () => Promise<boolean>): Promise<boolean> {
    for (let failures = 0; ; failures++) {
      try {
        return await write();
      } catch (error) {
        if (!isDatabaseUnreachable(error)) throw error;
        if (!failures) this.logger.warn(`PostgreSQL is unreachable; recording again until it answers`);
        await sleep(RECORD_RETRY_MS);
      }
    }
  }

  /** This worker's lease ended before it recorded the outcome, and another attempt owns the delivery now. */
  private lost(delivery: ClaimedDelivery): void {
    this.logger.warn(
      `delivery ${delivery.id}: attempt ${delivery.attempt} ended after its lease; recorded on the attempt only`,
    );
  }
}
