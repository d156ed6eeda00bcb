import type { RecipientPreferences } from '../preferences/preferences.types';
import { optedOut } from '../preferences/opted-out';

/**
 * The preferences with `category` turned off for email, or null when they already refuse it (nothing to write:
 * unsubscribing twice is unsubscribing once). The category's other channels are kept; a category that was `true`
 * (on everywhere, the same as absent) becomes `{ "email": false }`.
 */
export function withEmailOptOut(preferences: RecipientPreferences, category: string): RecipientPreferences | null {
  if (optedOut(preferences, 'email', category)) return null;
  // Own keys only (optedOut's rule): a category named like an Object.prototype member is just a name.
  const current = Object.hasOwn(preferences.categories, category) ? preferences.categories[category] : undefined;
  const channels = typeof current === 'object' ? current : {};
  return {
    channels: preferences.channels,
    categories: { ...preferences.categories, [category]: { ...channels, email: false } },
  };
}
