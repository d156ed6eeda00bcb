import { CHANNELS, type Channel } from '@herald/core';
import type { RecipientPreferences } from './preferences.types';
import { quietHoursOf } from './quiet-hours';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The stored `preferences` column as preferences. A row that never had them
 * stored holds `{}`; anything not a boolean where one belongs is dropped rather
 * than trusted, so a hand-edited row cannot opt a recipient out by accident.
 */
export function normalizePreferences(stored: unknown): RecipientPreferences {
  if (!isRecord(stored)) return { channels: {}, categories: {} };
  const categories = isRecord(stored.categories) ? stored.categories : {};
  const quietHours = quietHoursOf(stored.quietHours);
  return {
    channels: channelFlags(stored.channels),
    // fromEntries defines own properties, so even a hand-written "__proto__" key stays data.
    categories: Object.fromEntries(
      Object.entries(categories).flatMap(([category, rule]): [string, RecipientPreferences['categories'][string]][] =>
        typeof rule === 'boolean' ? [[category, rule]] : isRecord(rule) ? [[category, channelFlags(rule)]] : [],
      ),
    ),
    ...(quietHours ? { quietHours } : {}),
  };
}

function channelFlags(value: unknown): Partial<Record<Channel, boolean>> {
  const flags: Partial<Record<Channel, boolean>> = {};
  if (!isRecord(value)) return flags;
  for (const channel of CHANNELS) {
    if (typeof value[channel] === 'boolean') flags[channel] = value[channel];
  }
  return flags;
}

/**
 * True when the recipient does not want `channel`, or `category` as a whole, or
 * `category` on `channel`. Any `false` wins: a `true` elsewhere never overrides
 * an opt-out. Without a category (inline content) only channel opt-outs apply.
 * Whether a `critical` template overrides this is the caller's rule, not this one.
 */
export function optedOut(preferences: RecipientPreferences, channel: Channel, category?: string): boolean {
  if (preferences.channels[channel] === false) return true;
  if (category === undefined) return false;
  // Own keys only: a category named like an Object.prototype member must not match it.
  if (!Object.hasOwn(preferences.categories, category)) return false;
  const rule = preferences.categories[category];
  return rule === false || (typeof rule === 'object' && rule[channel] === false);
}
