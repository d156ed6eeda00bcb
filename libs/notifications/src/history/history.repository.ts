import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Channel } from '@herald/core';
import { DataSource, FindOptionsSelect, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DeliveryEntity, DeliveryStatus } from '../entities/delivery.entity';
import { NotificationEntity, NotificationStatus } from '../entities/notification.entity';
import type { DeliveryHistoryFilter, HistoryPageFilter, NotificationHistoryFilter } from './history.types';

/** The columns a delivery summary shows: not the rendered content nor the address. */
const DELIVERY_SUMMARY_COLUMNS = {
  id: true,
  notificationId: true,
  channel: true,
  status: true,
  reason: true,
  error: true,
  captured: true,
  providerMessageId: true,
  provider: true,
  attempts: true,
  nextAttemptAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies FindOptionsSelect<DeliveryEntity>;

/** The smallest UUIDv7 of the millisecond `time`: ids at or after `time` compare greater or equal. */
export function uuidv7Floor(time: Date): string {
  const hex = time.getTime().toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

/**
 * The time window, cursor, order and page size every history list shares. Ids
 * are UUIDv7: ordering by id is ordering by creation time, and a cursor (the
 * last id seen) stays valid while rows are inserted, as new rows sort above it.
 * The window is an id range too, so it rides the same index as the filter.
 * One row more than asked is read, so the caller knows whether a page follows.
 */
function page<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, filter: HistoryPageFilter): SelectQueryBuilder<T> {
  const id = `${query.alias}.id`;
  if (filter.cursor) query.andWhere(`${id} < :cursor`, { cursor: filter.cursor });
  if (filter.since) query.andWhere(`${id} >= :since`, { since: uuidv7Floor(filter.since) });
  if (filter.until) query.andWhere(`${id} < :until`, { until: uuidv7Floor(filter.until) });
  return query.orderBy(id, 'DESC').limit(filter.limit + 1);
}

/** The admin history's reads (API.md §7). */
@Injectable()
export class HistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findNotificationPage(filter: NotificationHistoryFilter): Promise<NotificationEntity[]> {
    const query = this.dataSource.getRepository(NotificationEntity).createQueryBuilder('n');
    if (filter.recipientId) query.andWhere('n.recipientId = :recipientId', { recipientId: filter.recipientId });
    if (filter.template) query.andWhere('n.templateKey = :template', { template: filter.template });
    if (filter.status) query.andWhere('n.status = :status', { status: filter.status });
    if (filter.channel) {
      query.andWhere('EXISTS (SELECT 1 FROM deliveries d WHERE d.notification_id = n.id AND d.channel = :channel)', {
        channel: filter.channel,
      });
    }
    return page(query, filter).getMany();
  }

  /** The deliveries of these notifications, summarised, in channel order. */
  findDeliverySummaries(notificationIds: string[]): Promise<DeliveryEntity[]> {
    if (!notificationIds.length) return Promise.resolve([]);
    return this.dataSource.getRepository(DeliveryEntity).find({
      select: DELIVERY_SUMMARY_COLUMNS,
      where: { notificationId: In(notificationIds) },
      order: { channel: 'ASC' },
    });
  }

  findDeliveryPage(filter: DeliveryHistoryFilter): Promise<DeliveryEntity[]> {
    const query = this.dataSource
      .getRepository(DeliveryEntity)
      .createQueryBuilder('d')
      .select(Object.keys(DELIVERY_SUMMARY_COLUMNS).map((column) => `d.${column}`));
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.channel) query.andWhere('d.channel = :channel', { channel: filter.channel });
    return page(query, filter).getMany();
  }

  findDeliverySummary(id: string): Promise<DeliveryEntity | null> {
    return this.dataSource.getRepository(DeliveryEntity).findOne({ select: DELIVERY_SUMMARY_COLUMNS, where: { id } });
  }

  async countNotificationsByStatus(): Promise<{ status: NotificationStatus; count: number }[]> {
    return this.dataSource.query(`SELECT status, count(*)::int AS count FROM notifications GROUP BY status`);
  }

  async countDeliveriesByChannelAndStatus(): Promise<{ channel: Channel; status: DeliveryStatus; count: number }[]> {
    return this.dataSource.query(
      `SELECT channel, status, count(*)::int AS count FROM deliveries GROUP BY channel, status`,
    );
  }

  /** Deliveries created in [since, until), counted by the minute they were created in and their status now. */
  async countDeliveriesPerMinute(
    since: Date,
    until: Date,
  ): Promise<{ minute: Date; status: DeliveryStatus; count: number }[]> {
    // The window is an id range (UUIDv7), so it rides the primary key instead of scanning created_at.
    return this.dataSource.query(
      `SELECT date_trunc('minute', created_at) AS minute, status, count(*)::int AS count
         FROM deliveries WHERE id >= $1 AND id < $2
        GROUP BY 1, 2`,
      [uuidv7Floor(since), uuidv7Floor(until)],
    );
  }
}
