import type { PushSubscriptionData } from './push-subscription';

/**
 * Where a delivery goes: built by the accept flow (notifications), copied onto
 * the delivery row, and read by the channel drivers at send time.
 */
export interface DeliveryAddress {
  email?: string;
  phone?: string;
  webhookUrl?: string;
  recipientId?: string;
  /**
   * Push subscriptions given inline with the notification; they replace the
   * recipient's stored ones for this delivery. Without them the push driver
   * reads the stored ones by `recipientId` at send time, so a subscription
   * removed meanwhile is not used.
   */
  pushSubscriptions?: PushSubscriptionData[];
}
