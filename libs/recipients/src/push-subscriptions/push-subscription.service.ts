import { Injectable } from '@nestjs/common';
import type { PushSubscriptionData } from '@herald/core';
import { PushSubscriptionDto, pushSubscriptionData } from '../dto/push-subscription.dto';
import type { PushSubscriptionEntity } from '../entities/push-subscription.entity';
import { PushSubscriptionNotFoundError, RecipientNotFoundError } from '../recipients.errors';
import { RecipientRepository } from '../recipient.repository';
import { PushSubscriptionRepository } from './push-subscription.repository';
import type { PushSubscriptionView } from './push-subscription.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The subscription as data: what the push driver sends to. */
export function pushSubscriptionTarget(row: PushSubscriptionEntity): PushSubscriptionData {
  return row.type === 'webpush'
    ? { type: 'webpush', endpoint: row.endpoint!, keys: { p256dh: row.p256dh!, auth: row.auth! } }
    : { type: 'fcm', token: row.token! };
}

export function pushSubscriptionView(row: PushSubscriptionEntity): PushSubscriptionView {
  return {
    id: row.id,
    recipientId: row.recipientId,
    ...pushSubscriptionTarget(row),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * A recipient's browsers and devices: managed over the API, read by the push
 * driver at send time, and pruned when a push service reports one gone.
 */
@Injectable()
export class PushSubscriptionService {
  constructor(
    private readonly repository: PushSubscriptionRepository,
    private readonly recipients: RecipientRepository,
  ) {}

  /** The recipient's subscriptions, oldest first; 404 for an unknown recipient rather than an empty list. */
  async list(recipientId: string): Promise<PushSubscriptionView[]> {
    const rows = await this.repository.findByRecipient(recipientId);
    if (!rows.length && !(await this.recipients.findById(recipientId))) throw new RecipientNotFoundError(recipientId);
    return rows.map(pushSubscriptionView);
  }

  async subscribe(
    recipientId: string,
    dto: PushSubscriptionDto,
  ): Promise<{ subscription: PushSubscriptionView; created: boolean }> {
    const stored = await this.repository.upsert(recipientId, pushSubscriptionData(dto));
    if (!stored) throw new RecipientNotFoundError(recipientId);
    return { subscription: pushSubscriptionView(stored.subscription), created: stored.created };
  }

  async unsubscribe(recipientId: string, id: string): Promise<void> {
    // A malformed id cannot name a row: the same 404 as an unknown one, without a failed uuid cast.
    if (!UUID.test(id) || !(await this.repository.deleteOne(recipientId, id))) {
      throw new PushSubscriptionNotFoundError(recipientId, id);
    }
  }

  hasAny(recipientId: string): Promise<boolean> {
    return this.repository.existsForRecipient(recipientId);
  }

  /** `hasAny` for many recipients at once (a batch): the ids that have a subscription. */
  recipientsWithAny(recipientIds: string[]): Promise<Set<string>> {
    return this.repository.recipientsWithAny(recipientIds);
  }

  async targetsFor(recipientId: string): Promise<PushSubscriptionData[]> {
    return (await this.repository.findByRecipient(recipientId)).map(pushSubscriptionTarget);
  }

  /**
   * A push service answered that this endpoint or token no longer exists
   * (Web Push 404/410, FCM UNREGISTERED): it is removed for every recipient
   * that stored it, since a push endpoint belongs to one browser, not to one recipient.
   */
  async forget(target: PushSubscriptionData): Promise<number> {
    return target.type === 'webpush'
      ? this.repository.deleteByEndpoint(target.endpoint)
      : this.repository.deleteByToken(target.token);
  }
}
