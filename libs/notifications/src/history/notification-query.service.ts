import { Injectable } from '@nestjs/common';
import { DeliveryEntity } from '../entities/delivery.entity';
import { NotificationEntity } from '../entities/notification.entity';
import { NotificationNotFoundError } from '../notification.errors';
import { NotificationRepository } from '../notification.repository';
import type { DeliveryView, NotificationView } from '../notification.types';

function deliveryView(delivery: DeliveryEntity): DeliveryView {
  return {
    id: delivery.id,
    channel: delivery.channel,
    status: delivery.status,
    reason: delivery.reason,
    error: delivery.error,
    captured: delivery.captured,
    content: delivery.content ?? null,
    providerMessageId: delivery.providerMessageId,
    attemptCount: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
    attempts: delivery.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      startedAt: attempt.startedAt.toISOString(),
      finishedAt: attempt.finishedAt?.toISOString() ?? null,
      outcome: attempt.outcome,
      error: attempt.error,
      providerMessageId: attempt.providerMessageId,
    })),
  };
}

export function notificationView(notification: NotificationEntity): NotificationView {
  return {
    id: notification.id,
    status: notification.status,
    template:
      notification.templateKey && notification.templateVersion
        ? { key: notification.templateKey, version: notification.templateVersion }
        : null,
    recipientId: notification.recipientId,
    priority: notification.priority,
    locale: notification.locale,
    data: notification.data,
    sendAt: notification.sendAt?.toISOString() ?? null,
    createdAt: notification.createdAt.toISOString(),
    updatedAt: notification.updatedAt.toISOString(),
    deliveries: notification.deliveries.map(deliveryView),
  };
}

@Injectable()
export class NotificationQueryService {
  constructor(private readonly notifications: NotificationRepository) {}

  async get(id: string): Promise<NotificationView> {
    const notification = await this.notifications.findWithDeliveries(id);
    if (!notification) throw new NotificationNotFoundError(id);
    return notificationView(notification);
  }
}
