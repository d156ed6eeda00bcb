import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The browser credential for one inbox: base64url HMAC-SHA256 of the recipient
 * id with INBOX_SECRET. The sender's backend computes it for the signed-in user;
 * it opens that recipient's inbox and nothing else.
 */
export function inboxToken(secret: string, recipientId: string): string {
  return createHmac('sha256', secret).update(recipientId, 'utf8').digest('base64url');
}

/** Constant-time check of a presented token. */
export function verifyInboxToken(secret: string, recipientId: string, presented: string): boolean {
  const expected = Buffer.from(inboxToken(secret, recipientId));
  const given = Buffer.from(presented);
  // Every valid token has the same length, so comparing lengths first reveals nothing about the secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
