/*
 * The wire shapes of Herald's transport, written out so a sibling app needs
 * nothing of Herald's but this lib. They mirror SendNotificationDto and
 * AcceptedNotification; test/e2e/microservice-transport.test.ts checks at
 * compile time that they still match.
 */

export type HeraldChannel = 'email' | 'sms' | 'push' | 'webhook' | 'in_app';

export type HeraldPushSubscription =
  | { type: 'webpush'; endpoint: string; keys: { p256dh: string; auth: string }; expirationTime?: number | null }
  | { type: 'fcm'; token: string };

export interface HeraldChannelContent {
  email?: { subject: string; html?: string; text?: string };
  sms?: { text: string };
  push?: { title: string; body: string; url?: string; icon?: string };
  in_app?: { title?: string; body: string; url?: string };
  webhook?: { payload: Record<string, unknown> };
}

/** The body of `POST /v1/notifications`, and of `notifications.send` / `notifications.emit`. */
export interface HeraldSendRequest {
  /** A template key; or give `content` instead. */
  template?: string;
  content?: HeraldChannelContent;
  to: {
    recipientId?: string;
    email?: string;
    phone?: string;
    webhookUrl?: string;
    pushSubscriptions?: HeraldPushSubscription[];
  };
  data?: Record<string, unknown>;
  channels?: HeraldChannel[];
  /** ISO 8601; later than now schedules the notification. */
  sendAt?: string;
  /** `sendAt` as the recipient's local time (`2026-12-02T09:00`), read in their timezone; not with `sendAt`. */
  sendAtLocal?: string;
  priority?: 'high' | 'normal' | 'low';
  locale?: string;
  /** The same key with the same body answers the first answer again, for 24 hours. */
  idempotencyKey?: string;
}

export interface HeraldBatchRequest {
  /** Up to 1000 notifications. */
  notifications: HeraldSendRequest[];
}

/** An RFC 9457 problem document, as Herald answers every error. */
export interface HeraldProblem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export interface HeraldDeliverySummary {
  id: string;
  channel: HeraldChannel;
  status: string;
  reason?: string;
}

/** The 202 answer of a send. */
export interface HeraldAcceptedNotification {
  id: string;
  status: string;
  createdAt: string;
  deliveries: HeraldDeliverySummary[];
}

/** The 202 answer of a send of a digest template to a stored recipient: the digest it joined (no notification yet). */
export interface HeraldDigestedSend {
  status: 'digested';
  digestId: string;
  createdAt: string;
}

/** What a send answers: the notification accepted, or the digest it joined. */
export type HeraldSendAnswer = HeraldAcceptedNotification | HeraldDigestedSend;

export type HeraldBatchItem = HeraldSendAnswer | { error: HeraldProblem };

/** The answer of a batch: one item per notification, in the order sent. */
export interface HeraldBatchAnswer {
  items: HeraldBatchItem[];
}
