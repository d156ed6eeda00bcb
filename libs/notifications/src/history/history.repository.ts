import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, FindOptionsSelect, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DeliveryEntity } from '../entities/delivery.entity';
import { NotificationEntity } from '../entities/notification.entity';
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
}
