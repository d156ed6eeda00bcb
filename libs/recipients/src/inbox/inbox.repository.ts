import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { INBOX_TABLE, uuidTime, uuidv7, withWeekPartitions } from '@herald/core';
import { FindOptionsWhere, IsNull, LessThan, MoreThan, Repository } from 'typeorm';
import { InboxMessageEntity } from '../entities/inbox-message.entity';
import type { NewInboxMessage } from './inbox.types';

/** The advisory lock space of inbox stores, keyed by the hash of the delivery id. */
const INBOX_STORE_LOCK = 7215010;

export interface InboxPageQuery {
  unread: boolean;
  limit: number;
  /** The id of the last message of the previous page: this page holds older ones. */
  cursor?: string;
}

@Injectable()
export class InboxRepository {
  constructor(@InjectRepository(InboxMessageEntity) private readonly messages: Repository<InboxMessageEntity>) {}

  /**
   * Stores the message of a delivery once: a retried delivery (its worker died
   * after storing) finds the message it stored before and `created` is false.
   * The partitioned inbox cannot keep delivery_id UNIQUE (a unique index must
   * hold the partition key, the id), so a transaction lock on the delivery id
   * makes two stores of one delivery take turns, and the second finds the first.
   */
  async insert(message: NewInboxMessage): Promise<{ message: InboxMessageEntity; created: boolean }> {
    const id = uuidv7();
    return withWeekPartitions(this.messages.manager.dataSource, [INBOX_TABLE], [uuidTime(id)], () =>
      this.messages.manager.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${INBOX_STORE_LOCK}, hashtext($1))`, [message.deliveryId]);
        const stored = await tx.findOneBy(InboxMessageEntity, { deliveryId: message.deliveryId });
        if (stored) return { message: stored, created: false };
        await tx.query(
          `INSERT INTO inbox_messages (id, delivery_id, recipient_id, notification_id, title, body, url)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            id,
            message.deliveryId,
            message.recipientId,
            message.notificationId,
            message.title ?? null,
            message.body,
            message.url ?? null,
          ],
        );
        return { message: await tx.findOneByOrFail(InboxMessageEntity, { id }), created: true };
      }),
    );
  }

  /** Newest first; one row more than asked, so the caller knows whether another page follows. */
  findPage(recipientId: string, query: InboxPageQuery): Promise<InboxMessageEntity[]> {
    const where: FindOptionsWhere<InboxMessageEntity> = { recipientId };
    if (query.unread) where.readAt = IsNull();
    if (query.cursor) where.id = LessThan(query.cursor);
    return this.messages.find({ where, order: { id: 'DESC' }, take: query.limit + 1 });
  }

  /** The messages stored after `id`, oldest first: what an SSE client missed while it reconnected. */
  findAfter(recipientId: string, id: string, limit: number): Promise<InboxMessageEntity[]> {
    return this.messages.find({ where: { recipientId, id: MoreThan(id) }, order: { id: 'ASC' }, take: limit });
  }

  findOne(recipientId: string, id: string): Promise<InboxMessageEntity | null> {
    return this.messages.findOneBy({ recipientId, id });
  }

  unreadCount(recipientId: string): Promise<number> {
    return this.messages.countBy({ recipientId, readAt: IsNull() });
  }

  /** Marks one message read; a message read before keeps its first `readAt`. */
  async markRead(recipientId: string, id: string): Promise<InboxMessageEntity | null> {
    await this.messages
      .createQueryBuilder()
      .update()
      .set({ readAt: () => 'now()' })
      .where('recipient_id = :recipientId AND id = :id AND read_at IS NULL', { recipientId, id })
      .execute();
    return this.findOne(recipientId, id);
  }

  /** Marks every unread message read; answers how many changed. */
  async markAllRead(recipientId: string): Promise<number> {
    const result = await this.messages
      .createQueryBuilder()
      .update()
      .set({ readAt: () => 'now()' })
      .where('recipient_id = :recipientId AND read_at IS NULL', { recipientId })
      .execute();
    return result.affected ?? 0;
  }
}
