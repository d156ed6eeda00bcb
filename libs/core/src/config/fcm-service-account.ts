import { readFileSync } from 'node:fs';
import { createPrivateKey, KeyObject } from 'node:crypto';
import { ConfigError } from '../core.errors';

/** The parts of a Google service account key that the OAuth JWT-bearer flow needs. */
export interface ServiceAccount {
  clientEmail: string;
  privateKey: KeyObject;
  privateKeyId?: string;
  tokenUri: string;
}

const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/**
 * FCM_CREDENTIALS is the service account key JSON that the Firebase console
 * downloads, given either inline (the value starts with `{`, convenient for
 * container secrets in the environment) or as the path of that file (the
 * GOOGLE_APPLICATION_CREDENTIALS habit). Anything unusable stops start-up
 * with a line naming FCM_CREDENTIALS; the key itself is never echoed.
 */
export function loadServiceAccount(value: string): ServiceAccount {
  const inline = value.trimStart().startsWith('{');
  let text: string;
  if (inline) {
    text = value;
  } else {
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      throw new ConfigError(
        'FCM_CREDENTIALS',
        `must be service account JSON or the path of its file; cannot read "${value}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ConfigError('FCM_CREDENTIALS', `${inline ? 'is' : `file "${value}" is`} not valid JSON`);
  }
  const field = (name: string) => (typeof json[name] === 'string' && json[name] ? json[name] : undefined);
  const clientEmail = field('client_email');
  const pem = field('private_key');
  if (!clientEmail || !pem) {
    throw new ConfigError('FCM_CREDENTIALS', 'must be a service account key with client_email and private_key');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new ConfigError('FCM_CREDENTIALS', 'has a private_key that is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa')
    throw new ConfigError('FCM_CREDENTIALS', 'private_key must be an RSA key');
  const tokenUri = field('token_uri') ?? GOOGLE_TOKEN_URI;
  if (!/^https?:\/\//.test(tokenUri)) throw new ConfigError('FCM_CREDENTIALS', 'token_uri must be an http(s) URL');
  return { clientEmail, privateKey, privateKeyId: field('private_key_id'), tokenUri };
}
