import { Injectable, Logger } from '@nestjs/common';
import { HeraldConfig, MetricsService, RetryLaterError } from '@herald/core';
import { ChannelRegistry, PermanentDeliveryError, TransientDeliveryError } from '@herald/channels';
import { PinoLogger } from 'nestjs-pino';
import { retryDelayMs } from './backoff';
import { DeliveryRepository } from './delivery.repository';

/**
 * Delivering one delivery: claim it, call its channel's driver, record the
 * attempt and the outcome. Permanent failures are recorded, not thrown; only a
 * retry is thrown, carrying its delay back to BullMQ.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly channels: ChannelRegistry,
    private readonly config: HeraldConfig,
    private readonly metrics: MetricsService,
    private readonly log: PinoLogger,
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
    const driver = this.channels.driver(delivery.channel);
    const providerCall = this.metrics.startProviderCall(delivery.channel);
    try {
      const result = await driver.send({
        deliveryId: delivery.id,
        notificationId: delivery.notificationId,
        channel: delivery.channel,
        attempt: delivery.attempt,
        address: delivery.address,
        content: delivery.content,
        priority: delivery.priority,
      });
      providerCall('ok');
      await this.deliveries.finish(delivery, result.status, {
        outcome: 'ok',
        providerMessageId: result.providerMessageId,
        captured: result.captured,
      });
      this.metrics.recordAttempt(delivery.channel, 'ok', { status: result.status, dueAt: delivery.dueAt });
      this.logger.log(
        { status: result.status, providerMessageId: result.providerMessageId },
        `delivery ${result.status}`,
      );
    } catch (error) {
      providerCall('error');
      const message = (error as Error).message || String(error);
      const permanent = error instanceof PermanentDeliveryError;
      if (permanent || delivery.attempt >= this.config.delivery.maxAttempts) {
        this.logger.warn(`delivery failed: ${message}`);
        await this.deliveries.finish(delivery, 'failed', {
          outcome: permanent ? 'permanent_error' : 'transient_error',
          error: permanent ? message : `${message} (gave up after ${delivery.attempt} attempts)`,
        });
        this.metrics.recordAttempt(delivery.channel, permanent ? 'permanent_error' : 'transient_error', {
          status: 'failed',
          dueAt: delivery.dueAt,
        });
        return;
      }
      const retryAfter = error instanceof TransientDeliveryError ? (error.retryAfterMs ?? 0) : 0;
      const delayMs = Math.max(retryDelayMs(delivery.attempt, this.config.delivery.backoffMs), retryAfter);
      await this.deliveries.scheduleRetry(
        delivery,
        { outcome: 'transient_error', error: message },
        new Date(Date.now() + delayMs),
      );
      this.metrics.recordAttempt(delivery.channel, 'transient_error');
      this.logger.warn({ retryInMs: delayMs }, `delivery attempt failed, retrying: ${message}`);
      throw new RetryLaterError(delayMs, message);
    }
  }
}
