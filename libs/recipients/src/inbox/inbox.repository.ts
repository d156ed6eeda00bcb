import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { uuidv7 } from '@herald/core';
import { FindOptionsWhere, IsNull, LessThan, MoreThan, Repository } from 'typeorm';
import { InboxMessageEntity } from '../entities/inbox-message.entity';
import type { NewInboxMessage } from './inbox.types';

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
   */
  async insert(message: NewInboxMessage): Promise<{ message: InboxMessageEntity; created: boolean }> {
    const rows: unknown[] = await this.messages.query(
      `INSERT INTO inbox_messages (id, delivery_id, recipient_id, notification_id, title, body, url)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (delivery_id) DO NOTHING
       RETURNING id`,
      [
        uuidv7(),
        message.deliveryId,
        message.recipientId,
        message.notificationId,
        message.title ?? null,
        message.body,
        message.url ?? null,
      ],
    );
    const stored = await this.messages.findOneByOrFail({ deliveryId: message.deliveryId });
    return { message: stored, created: rows.length > 0 };
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
