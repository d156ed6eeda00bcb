import { KeyObject, verify } from 'node:crypto';

/**
 * SendGrid's signed Event Webhook: `X-Twilio-Email-Event-Webhook-Signature` is a base64 DER ECDSA (P-256,
 * SHA-256) signature of the `X-Twilio-Email-Event-Webhook-Timestamp` header followed by the raw body, as sent.
 */
export function verifySendgridSignature(
  key: KeyObject,
  signature: string | undefined,
  timestamp: string | undefined,
  body: Buffer | undefined,
): boolean {
  if (!signature || !timestamp || !body) return false;
  try {
    return verify('sha256', Buffer.concat([Buffer.from(timestamp), body]), key, Buffer.from(signature, 'base64'));
  } catch {
    // Not a DER signature at all: as false as a wrong one.
    return false;
  }
}
