/**
 * The shapes of the API's answers, as tests read them (API.md). Where a lib
 * exports the type the API answers with, it is that type, through the lib's
 * public index; the rest is written out here from the contract.
 */
import type { Channel, Problem } from '@herald/core';
import type {
  AcceptedNotification,
  DeliveryHistoryItem,
  DigestedSend,
  DigestEventView,
  DigestView,
  DeliveryStatus,
  DeliveryView,
  HistoryStats,
  NotificationHistoryItem,
  NotificationStatus,
  NotificationView,
  Page,
} from '@herald/notifications';
import type {
  InboxMessageView,
  InboxPage,
  PushSubscriptionView,
  RecipientPreferences,
  RecipientView,
} from '@herald/recipients';
import type { ApiKeyView } from '@herald/auth';
import type { ChannelContentMap, DigestRule, TemplateStep, TemplateView } from '@herald/templates';

export type {
  AcceptedNotification,
  Channel,
  DigestedSend,
  DigestEventView,
  DigestView,
  DeliveryHistoryItem,
  DeliveryStatus,
  DeliveryView,
  HistoryStats,
  InboxMessageView,
  InboxPage,
  NotificationHistoryItem,
  NotificationStatus,
  NotificationView,
  Page,
  Problem,
  PushSubscriptionView,
  RecipientPreferences,
  RecipientView,
  TemplateView,
};

/** `GET /v1/admin/api-keys` items, and the scopes a key holds: the auth lib's own types. */
export type { ApiKeyView, Scope } from '@herald/auth';

/** `POST /v1/admin/api-keys`: the key itself is shown this once. */
export interface CreatedApiKey extends ApiKeyView {
  key: string;
}

/**
 * An item of a batch answer: accepted (the 202 body of a single send) or refused
 * (`error`). One type with both sides optional, so a test reads either without narrowing.
 */
export interface BatchItem extends Partial<AcceptedNotification> {
  error?: Problem & { errors: NonNullable<Problem['errors']> };
}

export interface BatchResponse {
  items: BatchItem[];
}

/** A 422 always lists the fields it refuses. */
export type ValidationProblem = Problem & { errors: NonNullable<Problem['errors']> };

/** `GET /health/ready`. */
export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: string; backend?: string; error?: string }>;
}

/** The parts of the OpenAPI document (`/docs-json`) tests read. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, unknown>;
  components: { schemas: Record<string, unknown> };
}

/** `PUT /v1/admin/templates/{key}`. */
export interface TemplateBody {
  name: string;
  category?: string;
  critical?: boolean;
  channels: ChannelContentMap;
  locales?: Record<string, Partial<Record<Channel, Record<string, unknown>>>>;
  schema?: Record<string, unknown>;
  throttle?: { limit: number; window: number; key?: string };
  digest?: DigestRule;
  steps?: TemplateStep[];
}

/** `POST /v1/admin/templates/{key}/preview`: the rendered content per channel. */
export type TemplatePreview = ChannelContentMap;

/** `PUT /v1/recipients/{id}`. */
export interface RecipientBody {
  email?: string;
  phone?: string;
  locale?: string;
  timezone?: string;
  webhookUrl?: string;
  data?: Record<string, unknown>;
}

/** `GET /v1/admin/templates/{key}/versions`. */
export type TemplateVersions = Page<{ version: number }>;
