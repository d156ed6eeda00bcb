import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { PushSubscriptionData, uuidv7 } from '@herald/core';
import { Repository } from 'typeorm';
import { PushSubscriptionEntity } from '../entities/push-subscription.entity';

const COLUMNS = 'id, recipient_id, type, endpoint, p256dh, auth, token, created_at';
const FOREIGN_KEY_VIOLATION = '23503';

interface SubscriptionRow {
  id: string;
  recipient_id: string;
  type: PushSubscriptionEntity['type'];
  endpoint: string | null;
  p256dh: string | null;
  auth: string | null;
  token: string | null;
  created_at: Date;
  created?: boolean;
}

function entity(row: SubscriptionRow): PushSubscriptionEntity {
  return Object.assign(new PushSubscriptionEntity(), {
    id: row.id,
    recipientId: row.recipient_id,
    type: row.type,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    token: row.token,
    createdAt: row.created_at,
  });
}

@Injectable()
export class PushSubscriptionRepository {
  constructor(
    @InjectRepository(PushSubscriptionEntity) private readonly subscriptions: Repository<PushSubscriptionEntity>,
  ) {}

  /**
   * Insert, or find the recipient's row for the same endpoint or token (a
   * browser re-subscribing gets its id back; rotated Web Push keys replace the
   * old ones). Null when the recipient does not exist: the foreign key decides,
   * so a recipient deleted meanwhile cannot leave an orphan.
   */
  async upsert(
    recipientId: string,
    subscription: PushSubscriptionData,
  ): Promise<{ subscription: PushSubscriptionEntity; created: boolean } | null> {
    const [sql, params] =
      subscription.type === 'webpush'
        ? [
            `INSERT INTO push_subscriptions (id, recipient_id, type, endpoint, p256dh, auth)
             VALUES ($1, $2, 'webpush', $3, $4, $5)
             ON CONFLICT (recipient_id, endpoint) DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth
             RETURNING ${COLUMNS}, (xmax = 0) AS created`,
            [uuidv7(), recipientId, subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth],
          ]
        : [
            // The no-op update makes RETURNING answer the existing row too.
            `INSERT INTO push_subscriptions (id, recipient_id, type, token)
             VALUES ($1, $2, 'fcm', $3)
             ON CONFLICT (recipient_id, token) DO UPDATE SET token = EXCLUDED.token
             RETURNING ${COLUMNS}, (xmax = 0) AS created`,
            [uuidv7(), recipientId, subscription.token],
          ];
    try {
      const [row] = await this.subscriptions.query<SubscriptionRow[]>(sql, params);
      return { subscription: entity(row), created: row.created === true };
    } catch (error) {
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return null;
      throw error;
    }
  }

  /** Oldest first, so "the first subscription" is stable from one send to the next. */
  findByRecipient(recipientId: string): Promise<PushSubscriptionEntity[]> {
    return this.subscriptions.find({ where: { recipientId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  existsForRecipient(recipientId: string): Promise<boolean> {
    return this.subscriptions.existsBy({ recipientId });
  }

  /** Which of these recipients have at least one subscription, in one query. */
  async recipientsWithAny(recipientIds: string[]): Promise<Set<string>> {
    const rows = await this.subscriptions.query<{ recipient_id: string }[]>(
      `SELECT DISTINCT recipient_id FROM push_subscriptions WHERE recipient_id = ANY($1::text[])`,
      [recipientIds],
    );
    return new Set(rows.map((row) => row.recipient_id));
  }

  /** True when the recipient had this subscription. */
  async deleteOne(recipientId: string, id: string): Promise<boolean> {
    const result = await this.subscriptions.delete({ recipientId, id });
    return (result.affected ?? 0) > 0;
  }

  /** Every row for an endpoint the push service called gone, whichever recipient stored it. */
  async deleteByEndpoint(endpoint: string): Promise<number> {
    const result = await this.subscriptions.delete({ type: 'webpush', endpoint });
    return result.affected ?? 0;
  }

  /** Every row for an FCM token the service called unregistered. */
  async deleteByToken(token: string): Promise<number> {
    const result = await this.subscriptions.delete({ type: 'fcm', token });
    return result.affected ?? 0;
  }
}
