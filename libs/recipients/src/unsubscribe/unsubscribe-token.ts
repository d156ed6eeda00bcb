import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an unsubscribe link names: whose email, of which category, and which incarnation of that recipient. */
export interface UnsubscribeClaim {
  recipientId: string;
  category: string;
  /**
   * The recipient row's `created_at` in epoch milliseconds. An erased recipient's id may be given to someone else
   * later (PUT creates it anew); the old person's links must not unsubscribe the new one.
   */
  recipientCreatedAt: number;
}

/** Recipient ids are at most 255 characters and categories 64: a longer token was not made here. */
const MAX_TOKEN_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Binds the MAC to this use, should the secret ever key anything else. */
const CONTEXT = 'herald-unsubscribe-v1.';

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret)
    .update(CONTEXT + payload, 'utf8')
    .digest();
}

/**
 * `<payload>.<mac>`, both base64url: the payload is the claim as JSON
 * (`[recipientId, category, recipientCreatedAt]`), the MAC HMAC-SHA256 of it with Herald's secret. Readable by
 * anyone (it holds only ids), forgeable by no one without the secret.
 */
export function signUnsubscribeToken(secret: string, claim: UnsubscribeClaim): string {
  const payload = Buffer.from(
    JSON.stringify([claim.recipientId, claim.category, claim.recipientCreatedAt]),
    'utf8',
  ).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The claim of a token this secret signed; null for anything else (malformed, tampered, another secret's). */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeClaim | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 2 || !parts.every((part) => BASE64URL.test(part))) return null;
  const [payload, given] = parts;
  const expected = mac(secret, payload);
  const presented = Buffer.from(given, 'base64url');
  // Every MAC has the same length, so checking it first reveals nothing about the secret.
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  // Signed by us, so well-formed; checked all the same rather than trusted blindly.
  let claim: unknown;
  try {
    claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(claim) || claim.length !== 3) return null;
  const [recipientId, category, recipientCreatedAt] = claim as unknown[];
  if (typeof recipientId !== 'string' || typeof category !== 'string' || !Number.isSafeInteger(recipientCreatedAt)) {
    return null;
  }
  return { recipientId, category, recipientCreatedAt: recipientCreatedAt as number };
}
