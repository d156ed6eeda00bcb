import type { ThrottleRule } from './throttle/throttle-rule';
import type { Channel } from '@herald/core';
import type { DigestRule, TemplateStep } from './orchestration/orchestration.types';

export interface EmailContent {
  subject: string;
  html?: string;
  text?: string;
  /** Added at accept, not rendered: the List-Unsubscribe targets, for a stored recipient and a categorised, non-critical template. */
  unsubscribe?: { url: string; mailto?: string };
}
export interface SmsContent {
  text: string;
}
export interface PushContent {
  title: string;
  body: string;
  url?: string;
  icon?: string;
}
export interface InAppContent {
  title?: string;
  body: string;
  url?: string;
}
export interface WebhookContent {
  payload: Record<string, unknown>;
}

export interface ChannelContentMap {
  email?: EmailContent;
  sms?: SmsContent;
  push?: PushContent;
  in_app?: InAppContent;
  webhook?: WebhookContent;
}

export type LocaleOverrides = Record<string, { [C in Channel]?: Partial<NonNullable<ChannelContentMap[C]>> }>;

/** What a template version stores: the body of the PUT that created it, normalised. */
export interface TemplateDefinition {
  name: string;
  category?: string;
  critical: boolean;
  channels: ChannelContentMap;
  locales: LocaleOverrides;
  schema?: Record<string, unknown>;
  throttle?: ThrottleRule;
  digest?: DigestRule;
  steps?: TemplateStep[];
}

/** The template as callers see it. */
export interface TemplateView extends TemplateDefinition {
  key: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A template version resolved for sending or previewing. */
export interface ResolvedTemplate {
  key: string;
  version: number;
  definition: TemplateDefinition;
}
