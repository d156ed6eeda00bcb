// The shapes of the API's answers the console reads (docs/api.md; the OpenAPI document at /docs-json).

export const SCOPES = ['send', 'read', 'recipients', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
export const CHANNELS = ['email', 'sms', 'push', 'webhook', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];
export const DELIVERY_STATUSES = [
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'skipped',
  'cancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const NOTIFICATION_STATUSES = [
  'accepted',
  'scheduled',
  'processing',
  'completed',
  'partially_failed',
  'failed',
  'cancelled',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Caller {
  id: string;
  name: string;
  scopes: Scope[];
}

export type ChannelContent = Partial<Record<Channel, Record<string, unknown>>>;

/** At most `limit` sends per recipient (and rendered `key`) per `window` seconds; beyond it deliveries are skipped. */
export interface ThrottleRule {
  limit: number;
  window: number;
  key?: string;
}

/** Sends to one recipient with one rendered `key` within `window` seconds become one notification. */
export interface DigestRule {
  window: number;
  key: string;
  maxEvents?: number;
}

/** An escalation step: its channel goes `delay` seconds after the send, `unless` the in-app message was read. */
export interface TemplateStep {
  channel: Channel;
  delay?: number;
  unless?: 'read';
}

/** The orchestration rules a template may carry (API.md §9). */
export interface TemplateRules {
  throttle?: ThrottleRule;
  digest?: DigestRule;
  steps?: TemplateStep[];
}

export interface TemplateBody extends TemplateRules {
  name: string;
  category?: string;
  critical?: boolean;
  channels: ChannelContent;
  locales?: Record<string, ChannelContent>;
  schema?: Record<string, unknown>;
}

export interface TemplateView extends TemplateBody {
  key: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Attempt {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: 'ok' | 'transient_error' | 'permanent_error' | null;
  error: string | null;
  providerMessageId: string | null;
  provider: string | null;
}

export interface DeliverySummary {
  id: string;
  channel: Channel;
  status: DeliveryStatus;
  reason: string | null;
  error: string | null;
  captured: boolean;
  providerMessageId: string | null;
  provider: string | null;
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Delivery extends DeliverySummary {
  content: unknown;
  attempts: Attempt[];
}

export interface NotificationBase {
  id: string;
  status: NotificationStatus;
  template: { key: string; version: number } | null;
  recipientId: string | null;
  priority: string;
  locale: string | null;
  data: Record<string, unknown>;
  sendAt: string | null;
  /** The broadcast (send to a topic) whose fan-out made it. */
  broadcastId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NotificationView extends NotificationBase {
  /** The digest it closed from (its `data` holds the events); only in GET /v1/notifications/{id}. */
  digestId?: string;
  deliveries: Delivery[];
}

export interface NotificationListItem extends NotificationBase {
  deliveries: DeliverySummary[];
}

export interface DeliveryListItem extends DeliverySummary {
  notificationId: string;
}

export interface Accepted {
  id: string;
  status: string;
  deliveries: { id: string; channel: Channel; status: DeliveryStatus; reason?: string }[];
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface Stats {
  notifications: Record<NotificationStatus, number>;
  deliveries: Record<Channel, Record<DeliveryStatus, number>>;
  queues: Record<Channel, QueueCounts> | null;
  queuesError?: string;
}

export interface DeliveryTimeline {
  since: string;
  until: string;
  minutes: { at: string; counts: Record<DeliveryStatus, number> }[];
}

export interface Recipient {
  id: string;
  email: string | null;
  phone: string | null;
  locale: string | null;
  timezone: string | null;
  webhookUrl: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface QuietHours {
  start: string;
  end: string;
}

export interface Preferences {
  channels: Partial<Record<Channel, boolean>>;
  quietHours?: QuietHours;
  categories: Record<string, boolean | Partial<Record<Channel, boolean>>>;
  [other: string]: unknown;
}

export interface InboxMessage {
  id: string;
  title: string | null;
  body: string;
  url: string | null;
  read: boolean;
  createdAt: string;
}

export interface PushSubscription {
  id: string;
  type: 'webpush' | 'fcm';
  endpoint?: string;
  token?: string;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  prefix: string;
  createdAt: string;
}

export interface BroadcastView {
  id: string;
  topic: string;
  status: 'fanning_out' | 'completed';
  total: number;
  created: number;
  skipped: number;
  createdAt: string;
  updatedAt: string;
}

export interface DigestView {
  id: string;
  template: string;
  recipientId: string;
  key: string;
  status: 'open' | 'closing' | 'closed';
  count: number;
  maxEvents: number;
  closesAt: string;
  createdAt: string;
  closedAt: string | null;
  notificationId: string | null;
  error: string | null;
}

/** One send a digest holds, in GET /v1/digests/{id}/events. */
export interface DigestEvent {
  position: number;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface TopicView {
  key: string;
  name: string;
  subscriberCount: number;
}
