import type { Channel } from '@herald/core';

/** A template's digest (API.md §9): sends to one recipient with one rendered key inside `window` seconds become one. */
export interface DigestRule {
  /** Seconds from the first send until the digest closes. */
  window: number;
  /** Handlebars over each send's data; sends whose key renders the same share a digest. */
  key: string;
  /** Closes the digest early once it holds this many sends. */
  maxEvents?: number;
}

/** One step of a template's escalation: its channel goes `delay` seconds after the send, `unless` the in-app message was read. */
export interface TemplateStep {
  channel: Channel;
  delay?: number;
  unless?: 'read';
}

/** The longest digest window and step delay: 30 days. */
export const MAX_ORCHESTRATION_SECONDS = 30 * 86_400;
/** The most sends one digest holds, `maxEvents` or not: its notification renders them all. */
export const MAX_DIGEST_EVENTS = 1_000;
