import type { Channel, DeliveryAddress, Priority } from '@herald/core';
import type { AttemptOutcome } from './entities/delivery-attempt.entity';
import type { DeliveryStatus } from './entities/delivery.entity';
import type { NotificationStatus } from './entities/notification.entity';

/** A delivery as planned at accept time, before it is stored. */
export interface PlannedDelivery {
  id: string;
  channel: Channel;
  status: Extract<DeliveryStatus, 'queued' | 'scheduled' | 'skipped'>;
  /** Why it is skipped (`no_address`, `opted_out`, `throttled`), or which rule scheduled it (`step_delay`, `quiet_hours`). */
  reason?: 'no_address' | 'opted_out' | 'throttled' | 'step_delay' | 'quiet_hours';
  address?: DeliveryAddress;
  content?: unknown;
  /** When a `scheduled` delivery is due. */
  dueAt?: Date;
  /** An escalation step's condition, checked when it is due: `read` skips it once the in-app message was read. */
  unless?: 'read';
}

export interface PlannedNotification {
  id: string;
  apiKeyId: string;
  recipientId?: string;
  templateKey?: string;
  templateVersion?: number;
  status: Extract<NotificationStatus, 'accepted' | 'scheduled' | 'completed'>;
  priority: Priority;
  locale?: string;
  data: Record<string, unknown>;
  recipient: Record<string, unknown>;
  sendAt?: Date;
  idempotencyKey?: string;
  /** Set by a broadcast's fan-out: the broadcast it belongs to. */
  broadcastId?: string;
  deliveries: PlannedDelivery[];
}

/** The 202 answer of a send. */
export interface AcceptedNotification {
  id: string;
  status: NotificationStatus;
  createdAt: string;
  deliveries: { id: string; channel: Channel; status: DeliveryStatus; reason?: string }[];
}

export interface AttemptView {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: AttemptOutcome | null;
  error: string | null;
  providerMessageId: string | null;
  /** The provider it went to (`smtp:host:port`, `twilio`, `vonage`), the last one tried when it failed over. */
  provider: string | null;
}

export interface DeliveryView {
  id: string;
  channel: Channel;
  status: DeliveryStatus;
  reason: string | null;
  error: string | null;
  captured: boolean;
  content: unknown;
  providerMessageId: string | null;
  /** The provider of the attempt that ended it. */
  provider: string | null;
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  attempts: AttemptView[];
}

export interface NotificationView {
  id: string;
  status: NotificationStatus;
  template: { key: string; version: number } | null;
  recipientId: string | null;
  priority: Priority;
  locale: string | null;
  data: Record<string, unknown>;
  sendAt: string | null;
  /** The broadcast (send to a topic) that created it; null for other sends. */
  broadcastId: string | null;
  createdAt: string;
  updatedAt: string;
  deliveries: DeliveryView[];
  /** The digest it was made of, when it is a digest's notification (API.md §9). */
  digestId?: string;
}
