import type { Channel, OrchestrationQueueName } from '@herald/core';
import type { DeliveryStatus } from '../entities/delivery.entity';
import type { NotificationStatus } from '../entities/notification.entity';
import type { DeliveryView, NotificationView } from '../notification.types';

/** One page of a list (API.md §2): newest first; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Common to every history list. `since` ≤ creation time < `until`; `cursor` is the last id of the previous page. */
export interface HistoryPageFilter {
  since?: Date;
  until?: Date;
  limit: number;
  cursor?: string;
}

export interface NotificationHistoryFilter extends HistoryPageFilter {
  recipientId?: string;
  template?: string;
  status?: NotificationStatus;
  /** Notifications with a delivery on this channel. */
  channel?: Channel;
}

export interface DeliveryHistoryFilter extends HistoryPageFilter {
  status?: DeliveryStatus;
  channel?: Channel;
}

/**
 * A delivery in a list: as in `GET /v1/notifications/{id}` but without its
 * attempt log and its rendered content, which can weigh tens of kilobytes per
 * email and would make a page of 200 heavy. Both are one GET away.
 */
export type DeliverySummary = Omit<DeliveryView, 'attempts' | 'content'>;

/** A notification in the admin list: the notification view, its deliveries summarised. */
export type NotificationHistoryItem = Omit<NotificationView, 'deliveries'> & { deliveries: DeliverySummary[] };

/** A delivery in the admin list, with the notification it belongs to. */
export type DeliveryHistoryItem = DeliverySummary & { notificationId: string };

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface HistoryStats {
  notifications: Record<NotificationStatus, number>;
  deliveries: Record<Channel, Record<DeliveryStatus, number>>;
  /**
   * Each queue's jobs: a channel queue by its channel, the others (`broadcast`, `digest-close`) by their name.
   * Null when the queue store did not answer in time; `queuesError` says why.
   */
  queues: Record<Channel | OrchestrationQueueName, QueueCounts> | null;
  queuesError?: string;
}

/** One minute of `GET /v1/admin/stats/deliveries-per-minute`: deliveries created in it, by their status now. */
export interface DeliveryMinute {
  /** The minute's start. */
  at: string;
  counts: Record<DeliveryStatus, number>;
}

export interface DeliveryTimeline {
  /** The first minute's start; the window ends at the current minute's end. */
  since: string;
  until: string;
  /** Every minute of the window, oldest first, zeros included. */
  minutes: DeliveryMinute[];
}
