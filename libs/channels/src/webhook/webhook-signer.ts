import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks signature (https://www.standardwebhooks.com): `v1,` and the
 * base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`, keyed with the secret's
 * base64-decoded bytes (the `whsec_` prefix is not part of the key). Receivers
 * verify it with the `standardwebhooks` libraries as they are.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  const digest = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${digest}`;
}

/**
 * The three Standard Webhooks headers. `id` stays the same on every retry so a
 * receiver can drop duplicates; the timestamp is the attempt's, in unix seconds.
 * Without a secret there is no `webhook-signature` (see WebhookDriver).
 */
export function webhookHeaders(
  secret: string | undefined,
  id: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    ...(secret ? { 'webhook-signature': signWebhook(secret, id, timestamp, body) } : {}),
  };
}
