import { createPublicKey, KeyObject } from 'node:crypto';
import { ConfigError } from '../core.errors';

/**
 * SENDGRID_WEBHOOK_PUBLIC_KEY: the Event Webhook's verification key as SendGrid's settings page shows it
 * (base64 of the DER SubjectPublicKeyInfo), or the same key as PEM. Read once at start-up, so a key pasted
 * wrong stops Herald rather than refusing every event.
 */
export function sendgridPublicKey(text: string): KeyObject {
  let key: KeyObject;
  try {
    key = text.includes('-----BEGIN')
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new ConfigError(
      'SENDGRID_WEBHOOK_PUBLIC_KEY',
      'must be a public key: base64 DER as SendGrid shows it, or PEM',
    );
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError('SENDGRID_WEBHOOK_PUBLIC_KEY', 'must be an ECDSA P-256 public key');
  }
  return key;
}
