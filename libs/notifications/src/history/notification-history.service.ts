import { Injectable, Logger } from '@nestjs/common';
import {
  CHANNELS,
  Channel,
  DeliveryQueue,
  ORCHESTRATION_QUEUES,
  OrchestrationQueueName,
  OrchestrationQueues,
  ValidationError,
} from '@herald/core';
import { DELIVERY_STATUSES, DeliveryEntity, DeliveryStatus } from '../entities/delivery.entity';
import { NOTIFICATION_STATUSES, NotificationStatus } from '../entities/notification.entity';
import { HistoryCountsRepository } from './history-counts.repository';
import { HistoryRepository } from './history.repository';
import type {
  DeliveryHistoryFilter,
  DeliveryHistoryItem,
  DeliveryTimeline,
  HistoryPageFilter,
  HistoryStats,
  NotificationHistoryFilter,
  NotificationHistoryItem,
  Page,
  QueueCounts,
} from './history.types';
import { deliverySummary, notificationView } from './notification.views';

const QUEUE_COUNTS_TIMEOUT_MS = 2_000;
const MINUTE_MS = 60_000;

export function deliveryHistoryItem(delivery: DeliveryEntity): DeliveryHistoryItem {
  return { ...deliverySummary(delivery), notificationId: delivery.notificationId };
}

/** Cuts the extra row the repository read: its presence says a next page exists. */
function toPage<R extends { id: string }, T>(rows: R[], limit: number, view: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  return { items: items.map(view), nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

function checkWindow(filter: HistoryPageFilter): void {
  if (filter.since && filter.until && filter.since >= filter.until) {
    throw new ValidationError([{ path: 'until', message: 'until must be later than since' }]);
  }
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

/** The admin history (API.md §7): lists of notifications and deliveries, and the counts of both and of the queues. */
@Injectable()
export class NotificationHistoryService {
  private readonly logger = new Logger(NotificationHistoryService.name);

  constructor(
    private readonly history: HistoryRepository,
    private readonly counts: HistoryCountsRepository,
    private readonly queue: DeliveryQueue,
    private readonly orchestrationQueues: OrchestrationQueues,
  ) {}

  async listNotifications(filter: NotificationHistoryFilter): Promise<Page<NotificationHistoryItem>> {
    checkWindow(filter);
    const rows = await this.history.findNotificationPage(filter);
    const notifications = rows.slice(0, filter.limit);
    const deliveries = await this.history.findDeliverySummaries(notifications.map((notification) => notification.id));
    const byNotification = new Map<string, DeliveryEntity[]>();
    for (const delivery of deliveries) {
      byNotification.set(delivery.notificationId, [...(byNotification.get(delivery.notificationId) ?? []), delivery]);
    }
    return toPage(rows, filter.limit, (notification) => ({
      // The same fields as GET /v1/notifications/{id}, from the same function, so the two cannot drift.
      ...notificationView(Object.assign(notification, { deliveries: [] })),
      deliveries: (byNotification.get(notification.id) ?? []).map(deliverySummary),
    }));
  }

  async listDeliveries(filter: DeliveryHistoryFilter): Promise<Page<DeliveryHistoryItem>> {
    checkWindow(filter);
    return toPage(await this.history.findDeliveryPage(filter), filter.limit, deliveryHistoryItem);
  }

  /**
   * Every status and channel is present, zero or not, so the answer has one shape. The counts are kept by
   * triggers (HistoryCountsRepository): reading them costs the same at ten rows or ten million.
   */
  async stats(): Promise<HistoryStats> {
    const [{ notifications: notificationCounts, deliveries: deliveryCounts }, queues] = await Promise.all([
      this.counts.counts(),
      this.queueCounts(),
    ]);
    const notifications = zeros<NotificationStatus>(NOTIFICATION_STATUSES);
    for (const { status, count } of notificationCounts) notifications[status] = count;
    const deliveries = Object.fromEntries(
      CHANNELS.map((channel) => [channel, zeros<DeliveryStatus>(DELIVERY_STATUSES)]),
    ) as Record<Channel, Record<DeliveryStatus, number>>;
    for (const { channel, status, count } of deliveryCounts) deliveries[channel][status] = count;
    return { notifications, deliveries, ...queues };
  }

  /**
   * Deliveries per minute by status over the last `minutes` minutes, the current one included: one SQL group-by,
   * every minute present so a chart needs no gap filling. Read from the per-minute counts the triggers keep:
   * a day is 1,440 minutes, not the hundreds of thousands of deliveries created in it.
   */
  async deliveriesPerMinute(minutes: number, now = new Date()): Promise<DeliveryTimeline> {
    const until = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
    const since = new Date(until.getTime() - minutes * MINUTE_MS);
    const timeline = Array.from({ length: minutes }, (_, index) => ({
      at: new Date(since.getTime() + index * MINUTE_MS).toISOString(),
      counts: zeros<DeliveryStatus>(DELIVERY_STATUSES),
    }));
    for (const { minute, status, count } of await this.counts.deliveriesPerMinute(since, until)) {
      timeline[Math.floor((minute.getTime() - since.getTime()) / MINUTE_MS)].counts[status] += count;
    }
    return { since: since.toISOString(), until: until.toISOString(), minutes: timeline };
  }

  /** The queue store may be down while PostgreSQL answers: the counts from PostgreSQL are still worth giving. */
  private async queueCounts(): Promise<Pick<HistoryStats, 'queues' | 'queuesError'>> {
    try {
      const counts = await Promise.race([
        Promise.all([this.queue.counts(), this.orchestrationQueues.counts()]).then(([channels, others]) => ({
          ...channels,
          ...others,
        })),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`no answer in ${QUEUE_COUNTS_TIMEOUT_MS} ms`)),
            QUEUE_COUNTS_TIMEOUT_MS,
          ).unref(),
        ),
      ]);
      const queues = Object.fromEntries(
        [...CHANNELS, ...ORCHESTRATION_QUEUES].map((name) => {
          const count = counts[name];
          // Every job carries a priority, and BullMQ keeps prioritized jobs apart from the plain waiting ones.
          const queueCounts: QueueCounts = {
            waiting: (count.waiting ?? 0) + (count.prioritized ?? 0),
            active: count.active ?? 0,
            delayed: count.delayed ?? 0,
            failed: count.failed ?? 0,
          };
          return [name, queueCounts];
        }),
      ) as Record<Channel | OrchestrationQueueName, QueueCounts>;
      return { queues };
    } catch (error) {
      const message = (error as Error).message;
      this.logger.warn(`queue counts unavailable: ${message}`);
      return { queues: null, queuesError: message };
    }
  }
}
