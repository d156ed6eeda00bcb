import type { Channel } from '@herald/core';
import type { QuietHours } from './quiet-hours';

/**
 * What a recipient opted out of (API.md §4). `false` opts out; `true` and a
 * missing entry both mean "send". A category is either off as a whole or off
 * per channel: `{ "marketing": false, "orders": { "email": false } }`.
 */
export interface RecipientPreferences {
  channels: Partial<Record<Channel, boolean>>;
  categories: Record<string, boolean | Partial<Record<Channel, boolean>>>;
  /** Local times, in the recipient's `timezone`, when non-critical deliveries wait (API.md §9). */
  quietHours?: QuietHours;
}
