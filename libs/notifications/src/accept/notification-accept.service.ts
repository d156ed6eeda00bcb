import { Injectable, Logger, Optional } from '@nestjs/common';
import { AcceptTransport, canonicalHash, DeliveryQueue, FieldError, MetricsService, uuidv7 } from '@herald/core';
import { PushSubscriptionService, pushSubscriptionData, RecipientService } from '@herald/recipients';
import {
  ChannelContentMap,
  TemplateNotFoundError,
  TemplateRenderer,
  TemplateService,
  templateChannels,
} from '@herald/templates';
import { SendNotificationDto } from '../dto/send-notification.dto';
import { chooseChannels, planDeliveries } from './accept-plan';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  NotificationRejectedError,
} from '../notifications.errors';
import { NotificationRepository } from '../notification.repository';
import type { AcceptedNotification, PlannedNotification } from '../notification.types';

/** Who is sending: idempotency keys are scoped per API key. */
export interface SendCaller {
  apiKeyId: string;
  /** How the request came, for the accepted-notifications metric; REST when not said. */
  transport?: AcceptTransport;
}

export interface AcceptResult {
  body: AcceptedNotification;
  /** True when the answer is the stored answer of an earlier request with the same idempotency key. */
  replayed: boolean;
}

/** An in-flight record older than this belonged to a process that died before answering. */
const ABANDONED_AFTER_MS = 60_000;

/**
 * Accepting a notification, whichever transport brought it: validate, resolve
 * the recipient and template, render, then commit the notification and one
 * delivery per channel before enqueueing. The one place this flow lives.
 */
@Injectable()
export class NotificationAcceptService {
  private readonly logger = new Logger(NotificationAcceptService.name);

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly recipients: RecipientService,
    private readonly templates: TemplateService,
    private readonly renderer: TemplateRenderer,
    private readonly queue: DeliveryQueue,
    private readonly pushSubscriptions: PushSubscriptionService,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async accept(
    dto: SendNotificationDto,
    caller: SendCaller,
    idempotencyKey = dto.idempotencyKey,
  ): Promise<AcceptResult> {
    if (idempotencyKey) {
      // The key itself is not part of the body it protects (batch items and messages carry it inline).
      const hash = canonicalHash({ ...dto, idempotencyKey: undefined });
      const existing = await this.idempotency.claim(caller.apiKeyId, idempotencyKey, hash, ABANDONED_AFTER_MS);
      if (existing) {
        if (existing.requestHash !== hash) throw new IdempotencyKeyReusedError();
        if (existing.responseStatus === null) throw new IdempotencyKeyInFlightError();
        return { body: existing.responseBody as AcceptedNotification, replayed: true };
      }
    }
    let plan: PlannedNotification;
    let body: AcceptedNotification;
    try {
      plan = await this.plan(dto, caller, idempotencyKey);
      body = await this.notifications.transaction(async (manager) => {
        const createdAt = await this.notifications.insert(manager, plan);
        const answer = this.answer(plan, createdAt);
        if (idempotencyKey) await this.idempotency.complete(manager, caller.apiKeyId, idempotencyKey, 202, answer);
        return answer;
      });
    } catch (error) {
      if (idempotencyKey) await this.idempotency.release(caller.apiKeyId, idempotencyKey);
      throw error;
    }
    await this.enqueue(plan);
    this.metrics?.recordAccepted(caller.transport ?? 'http', body.deliveries);
    // A line per delivery, so each one's log starts here (a request's lines also carry its reqId).
    for (const { id, channel, status } of body.deliveries) {
      this.logger.log({ notificationId: body.id, deliveryId: id, channel, status }, 'delivery accepted');
    }
    return { body, replayed: false };
  }

  /** After commit. A failure here loses nothing: the reconciler finds `queued` rows without a job. */
  private async enqueue(plan: PlannedNotification): Promise<void> {
    const delayMs = plan.sendAt ? plan.sendAt.getTime() - Date.now() : 0;
    const jobs = plan.deliveries
      .filter((delivery) => delivery.status !== 'skipped')
      .map((delivery) => ({ deliveryId: delivery.id, channel: delivery.channel, priority: plan.priority, delayMs }));
    // A queue store that does not answer must not hold the 202 back: the rows are committed.
    await this.queue.enqueueAfterCommit(jobs);
  }

  private async plan(
    dto: SendNotificationDto,
    caller: SendCaller,
    idempotencyKey?: string,
  ): Promise<PlannedNotification> {
    const errors: FieldError[] = [];
    if (!dto.template === !dto.content) {
      errors.push({ path: 'template', message: 'give either template or content, not both and not neither' });
    }
    const inline = {
      email: dto.to.email,
      phone: dto.to.phone,
      webhookUrl: dto.to.webhookUrl,
      pushSubscriptions: dto.to.pushSubscriptions?.length
        ? dto.to.pushSubscriptions.map(pushSubscriptionData)
        : undefined,
    };
    const hasInline = Object.values(inline).some(Boolean);
    if (!dto.to.recipientId && !hasInline) {
      errors.push({ path: 'to', message: 'give a recipientId or at least one address' });
    }
    const sendAt = dto.sendAt ? new Date(dto.sendAt) : undefined;
    if (errors.length) throw new NotificationRejectedError(errors);

    const stored = dto.to.recipientId ? await this.recipients.find(dto.to.recipientId) : null;
    if (dto.to.recipientId && !stored && !hasInline) {
      throw new NotificationRejectedError([
        { path: 'to.recipientId', message: `recipient "${dto.to.recipientId}" does not exist` },
      ]);
    }
    const locale = dto.locale ?? stored?.locale ?? undefined;

    const template = dto.template ? await this.resolveTemplate(dto.template) : undefined;
    const content = (template?.definition.channels ?? JSON.parse(JSON.stringify(dto.content))) as ChannelContentMap;
    const channels = chooseChannels(
      dto.channels,
      templateChannels(content),
      template ? `template "${template.key}"` : 'content',
    );
    const rendered = this.renderer.render(
      { channels: content, locales: template?.definition.locales ?? {}, schema: template?.definition.schema },
      channels,
      dto.data ?? {},
      locale,
    );

    const hasStoredPush =
      channels.includes('push') &&
      !inline.pushSubscriptions &&
      !!stored &&
      (await this.pushSubscriptions.hasAny(stored.id));
    const scheduled = sendAt !== undefined && sendAt.getTime() > Date.now();
    const deliveries = planDeliveries({
      to: { recipientId: dto.to.recipientId, ...inline },
      recipient: stored,
      channels,
      rendered,
      template: template?.definition,
      hasStoredPush,
      scheduled,
    });
    const allSkipped = deliveries.every((delivery) => delivery.status === 'skipped');
    return {
      id: uuidv7(),
      apiKeyId: caller.apiKeyId,
      recipientId: dto.to.recipientId,
      templateKey: template?.key,
      templateVersion: template?.version,
      status: allSkipped ? 'completed' : scheduled ? 'scheduled' : 'accepted',
      priority: dto.priority ?? 'normal',
      locale,
      data: dto.data ?? {},
      recipient: { ...dto.to },
      sendAt: scheduled ? sendAt : undefined,
      idempotencyKey,
      deliveries,
    };
  }

  /** An unknown template is the sender's mistake (422), not a missing resource (404). */
  private async resolveTemplate(key: string) {
    try {
      return await this.templates.resolve(key);
    } catch (error) {
      if (error instanceof TemplateNotFoundError) {
        throw new NotificationRejectedError([{ path: 'template', message: `template "${key}" does not exist` }]);
      }
      throw error;
    }
  }

  private answer(plan: PlannedNotification, createdAt: Date): AcceptedNotification {
    return {
      id: plan.id,
      status: plan.status,
      createdAt: createdAt.toISOString(),
      deliveries: plan.deliveries.map((delivery) => ({
        id: delivery.id,
        channel: delivery.channel,
        status: delivery.status,
        ...(delivery.reason ? { reason: delivery.reason } : {}),
      })),
    };
  }
}
