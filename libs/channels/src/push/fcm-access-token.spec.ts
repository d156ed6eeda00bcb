import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadServiceAccount } from '@herald/core';
import { signAssertion } from './fcm-access-token';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const account = {
  type: 'service_account',
  project_id: 'p',
  private_key_id: 'kid-1',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
  client_email: 'herald@p.iam.gserviceaccount.com',
  token_uri: 'https://oauth2.example/token',
};

describe('signAssertion', () => {
  it('is an RS256 JWT for the token endpoint that verifies with the account public key', () => {
    const now = Date.UTC(2026, 0, 1);
    const [header, claims, signature] = signAssertion(loadServiceAccount(JSON.stringify(account)), now).split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'kid-1' });
    expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toEqual({
      iss: account.client_email,
      scope: 'https://www.googleapis.com/auth/firebase.messaging',
      aud: account.token_uri,
      iat: now / 1000,
      exp: now / 1000 + 3600,
    });
    expect(verify('sha256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(
      true,
    );
  });
});
