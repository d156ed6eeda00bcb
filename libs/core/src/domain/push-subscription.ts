export const PUSH_SUBSCRIPTION_TYPES = ['webpush', 'fcm'] as const;
export type PushSubscriptionType = (typeof PUSH_SUBSCRIPTION_TYPES)[number];

/**
 * Where a push goes: what a browser's `PushSubscription.toJSON()` gives, or an
 * FCM registration token. The shape stored, given inline with a notification,
 * and handed to the push driver.
 */
export type PushSubscriptionData =
  { type: 'webpush'; endpoint: string; keys: { p256dh: string; auth: string } } | { type: 'fcm'; token: string };
