import { describe, expect, it } from 'vitest';
import { normalizePreferences, optedOut } from '../preferences/opted-out';
import { withEmailOptOut } from './email-opt-out';

describe('withEmailOptOut', () => {
  it('turns the category off for email only, keeping every other preference', () => {
    const before = normalizePreferences({
      channels: { sms: false },
      categories: { marketing: { push: false, email: true }, orders: false, news: true },
    });
    const after = withEmailOptOut(before, 'marketing')!;
    expect(after).toEqual({
      channels: { sms: false },
      categories: { marketing: { push: false, email: false }, orders: false, news: true },
    });
    expect(optedOut(after, 'email', 'marketing')).toBe(true);
    expect(optedOut(after, 'in_app', 'marketing')).toBe(false);
    expect(withEmailOptOut(before, 'news')?.categories.news).toEqual({ email: false });
    expect(withEmailOptOut(normalizePreferences({}), 'digest')).toEqual({
      channels: {},
      categories: { digest: { email: false } },
    });
  });

  it('answers null when email of the category is already refused: nothing to write', () => {
    const preferences = normalizePreferences({
      channels: { email: false },
      categories: { orders: false, news: { email: false } },
    });
    expect(withEmailOptOut(preferences, 'orders')).toBeNull();
    expect(withEmailOptOut(preferences, 'news')).toBeNull();
    expect(withEmailOptOut(preferences, 'anything')).toBeNull();
    const once = withEmailOptOut(normalizePreferences({}), 'news')!;
    expect(withEmailOptOut(once, 'news')).toBeNull();
  });

  it('treats a category named like an Object.prototype member as a plain name', () => {
    const after = withEmailOptOut(normalizePreferences({}), 'constructor')!;
    expect(Object.hasOwn(after.categories, 'constructor')).toBe(true);
    expect(after.categories.constructor).toEqual({ email: false });
    expect(optedOut(after, 'email', 'constructor')).toBe(true);
  });
});
