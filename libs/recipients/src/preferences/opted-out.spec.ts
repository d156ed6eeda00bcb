import { describe, expect, it } from 'vitest';
import { CHANNELS } from '@herald/core';
import { normalizePreferences, optedOut } from './opted-out';
import { preferencesErrors } from '../dto/preferences.dto';

describe('optedOut', () => {
  const preferences = normalizePreferences({
    channels: { sms: false, push: true },
    categories: { marketing: false, orders: { email: false, sms: true }, news: true },
  });

  it('honours a channel opt-out whatever the category, and with none', () => {
    expect(optedOut(preferences, 'sms')).toBe(true);
    expect(optedOut(preferences, 'sms', 'news')).toBe(true);
    // A per-category `true` does not override the channel's `false`.
    expect(optedOut(preferences, 'sms', 'orders')).toBe(true);
    expect(optedOut(preferences, 'push')).toBe(false);
  });

  it('honours a whole-category opt-out on every channel', () => {
    for (const channel of ['email', 'push', 'webhook', 'in_app'] as const) {
      expect(optedOut(preferences, channel, 'marketing')).toBe(true);
    }
  });

  it('honours a per-channel category opt-out on that channel only', () => {
    expect(optedOut(preferences, 'email', 'orders')).toBe(true);
    expect(optedOut(preferences, 'push', 'orders')).toBe(false);
    expect(optedOut(preferences, 'email', 'news')).toBe(false);
  });

  it('applies only channel opt-outs without a category, and none for an unknown category', () => {
    expect(optedOut(preferences, 'email')).toBe(false);
    expect(optedOut(preferences, 'email', 'billing')).toBe(false);
    expect(optedOut(preferences, 'email', 'constructor')).toBe(false);
    expect(optedOut(preferences, 'email', 'toString')).toBe(false);
  });

  it('reads a never-set or malformed column as no opt-outs', () => {
    for (const stored of [
      {},
      null,
      'x',
      { channels: { sms: 'false' }, categories: { orders: 0, news: { email: null } } },
    ]) {
      const normalized = normalizePreferences(stored);
      expect(optedOut(normalized, 'sms')).toBe(false);
      expect(optedOut(normalized, 'email', 'orders')).toBe(false);
      expect(optedOut(normalized, 'email', 'news')).toBe(false);
    }
    expect(normalizePreferences({})).toEqual({ channels: {}, categories: {} });
  });
});

describe('preferencesErrors', () => {
  it('accepts the documented shape, and an empty body', () => {
    expect(
      preferencesErrors({ channels: { sms: false }, categories: { marketing: false, orders: { email: false } } }),
    ).toEqual([]);
    expect(preferencesErrors({})).toEqual([]);
  });

  it('names the path of every bad entry', () => {
    const notAChannel = `is not a channel (${CHANNELS.join(', ')})`;
    const notACategory =
      'must be a template category: 1-64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit';
    expect(
      preferencesErrors({
        channels: { fax: false, email: 'no' },
        categories: { 'Bad Key': false, orders: { pigeon: false, sms: 1 }, news: 'off', ok: true },
      }),
    ).toEqual([
      { path: 'channels.fax', message: notAChannel },
      { path: 'channels.email', message: 'must be a boolean' },
      { path: 'categories["Bad Key"]', message: notACategory },
      { path: 'categories.orders.pigeon', message: notAChannel },
      { path: 'categories.orders.sms', message: 'must be a boolean' },
      { path: 'categories.news', message: 'must be a boolean or an object of channel → boolean' },
    ]);
    expect(preferencesErrors({ channels: [] as unknown as Record<string, unknown> })).toEqual([
      { path: 'channels', message: 'must be an object' },
    ]);
  });
});
