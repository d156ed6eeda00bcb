import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core.errors';
import { loadServiceAccount } from './fcm-service-account';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
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
