import type { DeliveryJobRequest } from '@herald/core';
import type { AcceptedNotification, PlannedNotification } from '../notification.types';

/** The 202 answer of a stored notification (also what its idempotency record replays). */
export function acceptedAnswer(plan: PlannedNotification, createdAt: Date): AcceptedNotification {
  return {
    id: plan.id,
    status: plan.status,
    createdAt: createdAt.toISOString(),
    deliveries: plan.deliveries.map((delivery) => ({
      id: delivery.id,
      channel: delivery.channel,
      status: delivery.status,
      ...(delivery.reason ? { reason: delivery.reason } : {}),
    })),
  };
}

/** The jobs of stored notifications: one per delivery not skipped, a scheduled one delayed until it is due. */
export function deliveryJobs(plans: PlannedNotification[], now = Date.now()): DeliveryJobRequest[] {
  return plans.flatMap((plan) =>
    plan.deliveries
      .filter((delivery) => delivery.status !== 'skipped')
      .map((delivery) => ({
        deliveryId: delivery.id,
        channel: delivery.channel,
        priority: plan.priority,
        delayMs: delivery.dueAt ? Math.max(0, delivery.dueAt.getTime() - now) : 0,
      })),
  );
}
