import { Injectable } from '@nestjs/common';
import type { ApiCaller } from '@herald/auth';
import { BroadcastQueue, FieldError, uuidv7 } from '@herald/core';
import { TemplateService, templateChannels } from '@herald/templates';
import { chooseChannels } from '../accept/accept-plan';
import { requestHash, SendCaller } from '../accept/notification-accept.service';
import { notificationAccess } from '../access/notification-access';
import type { SendNotificationDto } from '../dto/send-notification.dto';
import { ABANDONED_AFTER_MS, claimOrReplay } from '../idempotency/idempotency-claim';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { NotificationRejectedError } from '../notifications.errors';
import { BroadcastNotFoundError } from './broadcast.errors';
import { BroadcastRepository } from './broadcast.repository';
import type { AcceptedBroadcast, BroadcastRequest, BroadcastView } from './broadcast.types';

/**
 * A send to a topic (`to: { topic }`, API.md §9): checked, stored as a broadcast with its idempotency answer,
 * and handed to a worker's fan-out (FanOutService) after the commit. Nothing per subscriber happens here, so the
 * 202 comes at once whatever the topic's size. An unknown topic is the sender's mistake (422 on `to.topic`), as
 * an unknown template is.
 */
@Injectable()
export class BroadcastAcceptService {
  constructor(
    private readonly broadcasts: BroadcastRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly templates: TemplateService,
    private readonly queue: BroadcastQueue,
  ) {}

  async accept(
    dto: SendNotificationDto,
    caller: SendCaller,
    idempotencyKey = dto.idempotencyKey,
  ): Promise<{ body: AcceptedBroadcast; replayed: boolean }> {
    const claimedAt = Date.now();
    if (idempotencyKey) {
      const stored = await claimOrReplay<AcceptedBroadcast>(
        this.idempotency,
        caller.apiKeyId,
        idempotencyKey,
        requestHash(dto),
      );
      if (stored) return { body: stored, replayed: true };
    }
    try {
      const body = await this.store(dto, caller, idempotencyKey);
      await this.queue.enqueueAfterCommit([body.broadcastId]);
      return { body, replayed: false };
    } catch (error) {
      if (idempotencyKey)
        await this.idempotency.release(caller.apiKeyId, [idempotencyKey], claimedAt + ABANDONED_AFTER_MS);
      throw error;
    }
  }

  /** `send` reads the broadcasts its own key made, `read` and `admin` any: the rule of notifications. */
  async get(id: string, caller: ApiCaller): Promise<BroadcastView> {
    const found = await this.broadcasts.find(id);
    if (!found || notificationAccess(caller, found.apiKeyId, 'read') !== 'allowed') {
      throw new BroadcastNotFoundError(id);
    }
    return found.view;
  }

  private async store(
    dto: SendNotificationDto,
    caller: SendCaller,
    idempotencyKey: string | undefined,
  ): Promise<AcceptedBroadcast> {
    const errors: FieldError[] = [];
    if (!dto.template) errors.push({ path: 'template', message: 'a send to a topic needs a template' });
    if (dto.content) errors.push({ path: 'content', message: 'a send to a topic uses a template, not content' });
    const { topic, ...addresses } = dto.to;
    if (Object.values(addresses).some((value) => value !== undefined)) {
      errors.push({ path: 'to', message: 'a topic is sent to alone, without a recipientId or addresses' });
    }
    if (errors.length) throw new NotificationRejectedError(errors);
    const templateVersion = await this.checkTemplate(dto.template!, dto);

    const body: AcceptedBroadcast = { broadcastId: uuidv7(), status: 'accepted' };
    const stored = await this.broadcasts.insert({
      id: body.broadcastId,
      apiKeyId: caller.apiKeyId,
      topicKey: topic!,
      // The send as each subscriber's will be, but for its `to`; JSON drops what is undefined.
      request: JSON.parse(JSON.stringify({ ...dto, to: undefined, idempotencyKey: undefined })) as BroadcastRequest,
      templateVersion,
      answer: idempotencyKey ? { key: idempotencyKey, body } : undefined,
    });
    if (!stored) {
      throw new NotificationRejectedError([{ path: 'to.topic', message: `topic "${topic}" does not exist` }]);
    }
    return body;
  }

  /**
   * What can be judged once for every subscriber: the template exists and has the channels asked for. Answers
   * its active version, which the broadcast keeps: a version published during the fan-out reaches no subscriber.
   */
  private async checkTemplate(key: string, dto: SendNotificationDto): Promise<number> {
    const template = (await this.templates.resolveActive([key])).get(key);
    if (!template) {
      throw new NotificationRejectedError([{ path: 'template', message: `template "${key}" does not exist` }]);
    }
    chooseChannels(dto.channels, templateChannels(template.definition.channels), `template "${key}"`);
    return template.version;
  }
}
