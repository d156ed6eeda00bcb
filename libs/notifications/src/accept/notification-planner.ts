import { Injectable } from '@nestjs/common';
import { FieldError, uuidv7 } from '@herald/core';
import {
  instantOf,
  isTimeZone,
  parseLocalDateTime,
  PushSubscriptionService,
  pushSubscriptionData,
  normalizePreferences,
  RecipientEntity,
  RecipientService,
  UnsubscribeService,
} from '@herald/recipients';
import {
  ChannelContentMap,
  mentionsUnsubscribeUrl,
  ResolvedTemplate,
  TemplateNotFoundError,
  TemplateRenderer,
  TemplateService,
  templateChannels,
} from '@herald/templates';
import { SendNotificationDto } from '../dto/send-notification.dto';
import { NotificationRejectedError } from '../notifications.errors';
import type { PlannedNotification } from '../notification.types';
import { timedStatus, timeDeliveries } from '../steps/delivery-timing';
import type { ThrottleHit } from '../throttle/throttle.repository';
import { ThrottleService, throttledPlan } from '../throttle/throttle.service';
import { chooseChannels, planDeliveries } from './accept-plan';
import { batchLoader } from './batch-loader';
import { GroupRunner } from './group-runner';

/** The reads planning needs. A single send reads each directly; a batch shares them (see `batchLookups`). */
export interface AcceptLookups {
  recipient(id: string): Promise<RecipientEntity | null>;
  /** The active version; TemplateNotFoundError when there is none. */
  template(key: string): Promise<ResolvedTemplate>;
  hasStoredPush(recipientId: string): Promise<boolean>;
  /** Rendered content by template version, locale, channels and data, shared by the items of a batch. */
  renders?: Map<string, ChannelContentMap>;
}

/** A planned notification whose throttle place (`throttle`, when its template has one) is yet to be taken. */
export interface DraftNotification {
  plan: PlannedNotification;
  throttle?: ThrottleHit;
}

/**
 * Planning one notification: validate what the DTO cannot, resolve the
 * recipient and template, render, and decide the deliveries (accept-plan.ts).
 * Nothing is stored here.
 */
@Injectable()
export class NotificationPlanner {
  /**
   * Templates asked for by concurrent accepts, read together: one statement for every key asked for while the
   * previous read ran, each read started after its callers arrived.
   */
  private readonly templateReads = new GroupRunner<string, ResolvedTemplate>(async (keys) => {
    const found = await this.templates.resolveActive([...new Set(keys)]);
    return keys.map((key) => {
      const template = found.get(key);
      return template ? { ok: true, value: template } : { ok: false, error: new TemplateNotFoundError(key) };
    });
  });

  constructor(
    private readonly recipients: RecipientService,
    private readonly templates: TemplateService,
    private readonly renderer: TemplateRenderer,
    private readonly pushSubscriptions: PushSubscriptionService,
    private readonly unsubscribe: UnsubscribeService,
    private readonly throttles: ThrottleService,
  ) {}

  /** Each template read once, however often asked for (a digest's check and the plan of one send). */
  directLookups(): AcceptLookups {
    const templates = new Map<string, Promise<ResolvedTemplate>>();
    return {
      recipient: (id) => this.recipients.find(id),
      template: (key) => {
        let template = templates.get(key);
        if (!template) templates.set(key, (template = this.templateReads.submit(key)));
        return template;
      },
      hasStoredPush: (recipientId) => this.pushSubscriptions.hasAny(recipientId),
    };
  }

  /** One query per kind of read for a whole batch, each template resolved once, equal renders made once. */
  batchLookups(): AcceptLookups {
    const recipient = batchLoader(
      async (ids) => new Map((await this.recipients.findMany(ids)).map((found) => [found.id, found])),
    );
    const withPush = batchLoader(async (ids) => {
      const found = await this.pushSubscriptions.recipientsWithAny(ids);
      return new Map(ids.map((id) => [id, found.has(id)]));
    });
    const templates = new Map<string, Promise<ResolvedTemplate>>();
    return {
      recipient: async (id) => (await recipient(id)) ?? null,
      template: (key) => {
        let template = templates.get(key);
        if (!template) templates.set(key, (template = this.templateReads.submit(key)));
        return template;
      },
      hasStoredPush: async (id) => (await withPush(id)) === true,
      renders: new Map(),
    };
  }

  /** The notification to store, its throttle place taken at once. */
  async plan(
    dto: SendNotificationDto,
    apiKeyId: string,
    idempotencyKey: string | undefined,
    lookups: AcceptLookups,
  ): Promise<PlannedNotification> {
    const { plan, throttle } = await this.draft(dto, apiKeyId, idempotencyKey, lookups);
    return !throttle || (await this.throttles.admit(throttle)) ? plan : throttledPlan(plan);
  }

  /**
   * The notification planned but for its throttle place: the caller takes it (ThrottleService) and applies a
   * refusal with `throttledPlan`. A broadcast's fan-out does so in the page's transaction.
   */
  async draft(
    dto: SendNotificationDto,
    apiKeyId: string,
    idempotencyKey: string | undefined,
    lookups: AcceptLookups,
  ): Promise<DraftNotification> {
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
    if (dto.to.topic !== undefined) {
      errors.push({
        path: 'to.topic',
        message: 'a send to a topic is a single POST /v1/notifications, alone in its to',
      });
    }
    if (!dto.to.recipientId && !hasInline) {
      errors.push({ path: 'to', message: 'give a recipientId or at least one address' });
    }
    if (dto.sendAt && dto.sendAtLocal) {
      errors.push({ path: 'sendAtLocal', message: 'give either sendAt or sendAtLocal, not both' });
    }
    const sendAtLocal = dto.sendAtLocal ? parseLocalDateTime(dto.sendAtLocal) : undefined;
    if (dto.sendAtLocal && !sendAtLocal) {
      errors.push({ path: 'sendAtLocal', message: 'must be a local date and time YYYY-MM-DDTHH:MM' });
    }
    if (errors.length) throw new NotificationRejectedError(errors);

    const stored = dto.to.recipientId ? await lookups.recipient(dto.to.recipientId) : null;
    if (dto.to.recipientId && !stored && !hasInline) {
      throw new NotificationRejectedError([
        { path: 'to.recipientId', message: `recipient "${dto.to.recipientId}" does not exist` },
      ]);
    }
    const locale = dto.locale ?? stored?.locale ?? undefined;
    // The recipient's own clock: quiet hours and sendAtLocal are read in it (API.md §9). PUT checked the zone;
    // one this Node no longer knows (an older ICU) falls back to UTC rather than failing every send.
    const zone = stored?.timezone && isTimeZone(stored.timezone) ? stored.timezone : 'UTC';
    const sendAt = sendAtLocal ? instantOf(sendAtLocal, zone) : dto.sendAt ? new Date(dto.sendAt) : undefined;

    const template = dto.template ? await this.resolveTemplate(dto.template, lookups) : undefined;
    const content = (template?.definition.channels ?? JSON.parse(JSON.stringify(dto.content))) as ChannelContentMap;
    const channels = chooseChannels(
      dto.channels,
      templateChannels(content),
      template ? `template "${template.key}"` : 'content',
    );
    // One-click unsubscribe (API.md §6.1): a stored recipient, a template that is neither critical nor uncategorised.
    const category = template && !template.definition.critical ? template.definition.category : undefined;
    const unsubscribe = stored && category ? await this.unsubscribe.linkFor(stored, category) : undefined;
    const render = () =>
      this.renderer.render(
        { channels: content, locales: template?.definition.locales ?? {}, schema: template?.definition.schema },
        channels,
        dto.data ?? {},
        locale,
        { unsubscribeUrl: unsubscribe?.url ?? '' },
      );
    let rendered: ChannelContentMap;
    if (template && lookups.renders) {
      // Data is validated JSON (no functions, no cycles), so equal strings mean equal renders.
      const link = mentionsUnsubscribeUrl(template.definition) ? unsubscribe?.url : undefined;
      const key = JSON.stringify([template.key, template.version, locale, channels, dto.data ?? {}, link]);
      rendered = lookups.renders.get(key) ?? render();
      lookups.renders.set(key, rendered);
    } else {
      rendered = render();
    }
    // Beside the rendered email, not in it: the driver makes the List-Unsubscribe headers of it.
    if (unsubscribe && rendered.email) rendered = { ...rendered, email: { ...rendered.email, unsubscribe } };

    const hasStoredPush =
      channels.includes('push') && !inline.pushSubscriptions && !!stored && (await lookups.hasStoredPush(stored.id));
    const now = new Date();
    const scheduled = sendAt !== undefined && sendAt > now;
    // The deliveries' ids carry the notification's millisecond: they land in the same weekly partition as it, and
    // their attempts (partitioned on the delivery id) too, so a week of history is dropped whole.
    const mintedAt = Date.now();
    const planned = planDeliveries(
      {
        to: { recipientId: dto.to.recipientId, ...inline },
        recipient: stored,
        channels,
        rendered,
        template: template?.definition,
        hasStoredPush,
        scheduled,
      },
      () => uuidv7(mintedAt),
    );
    const throttle = this.throttles.hit(template, dto.to.recipientId, dto.data ?? {}, planned);
    // Timed before the throttle is decided: a refusal skips every delivery that would go out, whenever it was due.
    const deliveries = timeDeliveries(planned, {
      now,
      sendAt,
      steps: template?.definition.steps,
      quietHours: template?.definition.critical ? undefined : normalizePreferences(stored?.preferences).quietHours,
      zone,
    });
    const timed = timedStatus(deliveries);
    const plan: PlannedNotification = {
      id: uuidv7(mintedAt),
      apiKeyId,
      recipientId: dto.to.recipientId,
      templateKey: template?.key,
      templateVersion: template?.version,
      status: timed.status,
      priority: dto.priority ?? 'normal',
      locale,
      data: dto.data ?? {},
      recipient: { ...dto.to },
      sendAt: timed.sendAt,
      idempotencyKey,
      deliveries,
    };
    return { plan, throttle };
  }

  /** An unknown template is the sender's mistake (422), not a missing resource (404). */
  private async resolveTemplate(key: string, lookups: AcceptLookups): Promise<ResolvedTemplate> {
    try {
      return await lookups.template(key);
    } catch (error) {
      if (error instanceof TemplateNotFoundError) {
        throw new NotificationRejectedError([{ path: 'template', message: `template "${key}" does not exist` }]);
      }
      throw error;
    }
  }
}
