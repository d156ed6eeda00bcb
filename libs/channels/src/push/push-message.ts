import type { Priority } from '@herald/core';
import type { PushSubscriptionData } from '@herald/core';
import type { PushContent } from '@herald/templates';
import type { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';

/**
 * How long a push service keeps a message for a device that is offline: 28
 * days, the ceiling FCM allows and the default of web-push. A notification is
 * still worth showing when the device comes back.
 */
export const PUSH_TTL_SECONDS = 2_419_200;

/** Per request to a push service or the FCM token endpoint. */
export const PUSH_TIMEOUT_MS = 10_000;

/** One rendered notification on its way to every subscription of a delivery. */
export interface PushMessage {
  deliveryId: string;
  notificationId: string;
  content: PushContent;
  priority: Priority;
}

/** What a service worker's `push` event reads with `event.data.json()`. */
export function webPushPayload(content: PushContent): string {
  return JSON.stringify({ title: content.title, body: content.body, url: content.url, icon: content.icon });
}

/** The result of one subscription; the driver combines them into the delivery's outcome. */
export type PushOutcome =
  | { kind: 'accepted'; target: PushSubscriptionData; messageId?: string }
  /** No VAPID or FCM settings for this subscription type: recorded, not sent. */
  | { kind: 'captured'; target: PushSubscriptionData }
  /** The push service says the subscription no longer exists: it is removed. */
  | { kind: 'gone'; target: PushSubscriptionData; reason: string }
  | { kind: 'failed'; target: PushSubscriptionData; error: TransientDeliveryError | PermanentDeliveryError };

/** Enough to tell subscriptions apart in an error, without writing a capability URL or token into the history. */
export function describeTarget(target: PushSubscriptionData): string {
  if (target.type === 'fcm') return `fcm token …${target.token.slice(-8)}`;
  try {
    return `webpush ${new URL(target.endpoint).origin}`;
  } catch {
    return 'webpush endpoint';
  }
}
