import type { SendNotificationDto } from '../dto/send-notification.dto';

export const BROADCAST_STATUSES = ['fanning_out', 'completed'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/** The 202 answer of a send to a topic (also what its idempotency record replays). */
export interface AcceptedBroadcast {
  broadcastId: string;
  status: 'accepted';
}

/** `GET /v1/broadcasts/{id}`. */
export interface BroadcastView {
  id: string;
  topic: string;
  status: BroadcastStatus;
  /** Subscribers to reach: the topic's when accepted; once completed, those reached (created + skipped). */
  total: number;
  /** Notifications created so far, one per subscriber. */
  created: number;
  /** Subscribers for whom no notification could be made (erased meanwhile, data their rendering refused). */
  skipped: number;
  createdAt: string;
  updatedAt: string;
}

/** What each subscriber's notification is made of: the send without its `to` and idempotency key. */
export type BroadcastRequest = Omit<SendNotificationDto, 'to' | 'idempotencyKey'>;

/** A broadcast as its fan-out reads it, locked. */
export interface FanOutState {
  id: string;
  apiKeyId: string;
  topicKey: string;
  request: BroadcastRequest;
  /** The template version pinned at accept; null for a broadcast accepted before versions were pinned. */
  templateVersion: number | null;
  status: BroadcastStatus;
  /** The last subscriber (recipient id) done; null before the first page. */
  cursor: string | null;
  createdAt: Date;
}
