import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@herald/core';
import { signAssertion } from './fcm-access-token';
import { loadServiceAccount } from './fcm-credentials';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const account = {
  type: 'service_account',
  project_id: 'p',
  private_key_id: 'kid-1',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
  client_email: 'herald@p.iam.gserviceaccount.com',
  token_uri: 'https://oauth2.example/token',
};
const dir = mkdtempSync(join(tmpdir(), 'herald-fcm-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadServiceAccount', () => {
  it('reads the service account JSON inline or from a file', () => {
    const path = join(dir, 'service-account.json');
    writeFileSync(path, JSON.stringify(account));
    for (const value of [JSON.stringify(account), path]) {
      expect(loadServiceAccount(value)).toMatchObject({
        clientEmail: account.client_email,
        privateKeyId: 'kid-1',
        tokenUri: account.token_uri,
      });
    }
  });

  it('names FCM_CREDENTIALS, without echoing the key, when it cannot be used', () => {
    const bad = [
      join(dir, 'missing.json'),
      '{ not json',
      JSON.stringify({ ...account, private_key: undefined }),
      JSON.stringify({ ...account, private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }),
    ];
    for (const value of bad) {
      expect(() => loadServiceAccount(value)).toThrow(ConfigError);
      expect(() => loadServiceAccount(value)).toThrow(/^Invalid configuration: FCM_CREDENTIALS /);
    }
  });
});

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
    expect(verify('sha256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });
});
