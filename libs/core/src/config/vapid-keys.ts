import { createECDH } from 'node:crypto';
import { ConfigError } from '../core.errors';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** Checks the VAPID group at start-up, so a typo is not discovered one delivery at a time. */
export function checkVapid(vapid: VapidKeys): void {
  const decode = (value: string) =>
    /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, 'base64url') : Buffer.alloc(0);
  const publicKey = decode(vapid.publicKey);
  const privateKey = decode(vapid.privateKey);
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) {
    throw new ConfigError(
      'VAPID_PUBLIC_KEY',
      'must be a base64url P-256 public key (65 bytes), as `npx web-push generate-vapid-keys` prints',
    );
  }
  if (privateKey.length !== 32) {
    throw new ConfigError('VAPID_PRIVATE_KEY', 'must be a base64url P-256 private key (32 bytes)');
  }
  const ecdh = createECDH('prime256v1');
  try {
    ecdh.setPrivateKey(privateKey);
  } catch {
    throw new ConfigError('VAPID_PRIVATE_KEY', 'is not a valid P-256 private key');
  }
  // Push services bind a subscription to the public key; a mismatched pair fails every send with 403.
  if (!ecdh.getPublicKey().equals(publicKey))
    throw new ConfigError('VAPID_PRIVATE_KEY', 'does not match VAPID_PUBLIC_KEY');
  if (!/^(mailto:|https:\/\/)\S+$/.test(vapid.subject)) {
    throw new ConfigError('VAPID_SUBJECT', `must be a mailto: or https: URL, got "${vapid.subject}"`);
  }
}
