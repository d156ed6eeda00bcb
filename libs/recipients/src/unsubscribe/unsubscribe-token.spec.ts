import { describe, expect, it } from 'vitest';
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token';

const SECRET = 'unsubscribe-secret-of-this-installation-0123';
const claim = { recipientId: 'user-42', category: 'marketing', recipientCreatedAt: 1_764_900_000_123 };

describe('unsubscribe tokens', () => {
  it('give back the claim they were signed with, and only base64url characters (a URL path segment as is)', () => {
    const token = signUnsubscribeToken(SECRET, claim);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual(claim);
  });

  it('carry any recipient id and category, unicode included', () => {
    const odd = { recipientId: 'a.b_c:d@e|f-ü', category: 'news.weekly_x-1', recipientCreatedAt: 0 };
    expect(verifyUnsubscribeToken(SECRET, signUnsubscribeToken(SECRET, odd))).toEqual(odd);
    const longest = { ...claim, recipientId: 'r'.repeat(255), category: 'c'.repeat(64) };
    expect(verifyUnsubscribeToken(SECRET, signUnsubscribeToken(SECRET, longest))).toEqual(longest);
  });

  it('refuse a token signed with another secret (another installation)', () => {
    const foreign = signUnsubscribeToken(`${SECRET}-elsewhere`, claim);
    expect(verifyUnsubscribeToken(SECRET, foreign)).toBeNull();
  });

  it('refuse a token whose payload or MAC was changed', () => {
    const token = signUnsubscribeToken(SECRET, claim);
    const [payload, mac] = token.split('.');
    const other = signUnsubscribeToken(SECRET, { ...claim, recipientId: 'user-43' }).split('.')[0];
    expect(verifyUnsubscribeToken(SECRET, `${other}.${mac}`)).toBeNull();
    const flipped = mac.slice(0, -2) + (mac.at(-2) === 'A' ? 'B' : 'A') + mac.at(-1);
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${flipped}`)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `${payload}.${mac.slice(0, -1)}`)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `${payload}x.${mac}`)).toBeNull();
  });

  it.each([
    '',
    '.',
    'abc',
    'a.b.c',
    'a b.c',
    'a+/.c=',
    '%00.%00',
    `${'a'.repeat(2000)}.${'b'.repeat(43)}`,
    '__proto__.constructor',
  ])('refuse the malformed token %j', (token) => {
    expect(verifyUnsubscribeToken(SECRET, token)).toBeNull();
  });
});
