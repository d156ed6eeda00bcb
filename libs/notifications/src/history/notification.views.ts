import { DeliveryEntity } from '../entities/delivery.entity';
import { NotificationEntity } from '../entities/notification.entity';
import type { DeliveryView, NotificationView } from '../notification.types';
import type { DeliverySummary } from './history.types';

/** A delivery without its attempt log and rendered content, as the history lists show it. */
export function deliverySummary(delivery: DeliveryEntity): DeliverySummary {
  return {
    id: delivery.id,
    channel: delivery.channel,
    status: delivery.status,
    reason: delivery.reason,
    error: delivery.error,
    captured: delivery.captured,
    providerMessageId: delivery.providerMessageId,
    provider: delivery.provider,
    attemptCount: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
  };
}

/** A delivery with its rendered content and every attempt, as GET /v1/notifications/{id} shows it. */
export function deliveryView(delivery: DeliveryEntity): DeliveryView {
  return {
    ...deliverySummary(delivery),
    content: delivery.content ?? null,
    attempts: delivery.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      startedAt: attempt.startedAt.toISOString(),
      finishedAt: attempt.finishedAt?.toISOString() ?? null,
      outcome: attempt.outcome,
      error: attempt.error,
      providerMessageId: attempt.providerMessageId,
      provider: attempt.provider,
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
    broadcastId: notification.broadcastId,
    createdAt: notification.createdAt.toISOString(),
    updatedAt: notification.updatedAt.toISOString(),
    deliveries: notification.deliveries.map(deliveryView),
  };
}
