import type { Priority } from '@herald/core';

export const DIGEST_STATUSES = ['open', 'closing', 'closed'] as const;
/** `open`: accepting sends; `closing`: full (`maxEvents`), its close due at once; `closed`: its notification made. */
export type DigestStatus = (typeof DIGEST_STATUSES)[number];

/** The 202 answer of a send that joined a digest: no notification yet, so no id nor deliveries of its own. */
export interface DigestedSend {
  status: 'digested';
  digestId: string;
  createdAt: string;
}

/** `GET /v1/digests/{id}`. */
export interface DigestView {
  id: string;
  template: string;
  recipientId: string;
  /** The rendered key the sends share. */
  key: string;
  status: DigestStatus;
  /** Sends joined so far. */
  count: number;
  maxEvents: number;
  closesAt: string;
  createdAt: string;
  closedAt: string | null;
  /** The notification it closed into, whose `data` is `{ events, count }`; null until closed. */
  notificationId: string | null;
  /** Why a closed digest made no notification (its template or recipient was deleted, or it did not render). */
  error: string | null;
}

/** An item of `GET /v1/digests/{id}/events`: one send the digest took, in the order it joined. */
export interface DigestEventView {
  /** 1 for the send that opened the digest, then one more for each send that joined it. */
  position: number;
  /** The send's data (`{}` once its recipient was erased). */
  data: Record<string, unknown>;
  createdAt: string;
}

/** A digest to join or open: what the send's template and data decide. */
export interface DigestJoin {
  id: string;
  templateKey: string;
  recipientId: string;
  key: string;
  apiKeyId: string;
  priority: Priority;
  windowSeconds: number;
  maxEvents: number;
  data: Record<string, unknown>;
  /** The idempotency record to complete with the answer, in the same statement. */
  idempotency?: { apiKeyId: string; key: string };
  createdAt: Date;
}

/** What joining answered: the digest, and whether this send opened it or filled it. */
export interface JoinedDigest {
  id: string;
  opened: boolean;
  full: boolean;
  closesAt: Date;
}

/** A digest locked for its close. */
export interface DueDigest {
  id: string;
  templateKey: string;
  recipientId: string;
  apiKeyId: string;
  priority: Priority;
}
