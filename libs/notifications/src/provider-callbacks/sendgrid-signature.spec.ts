import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySendgridSignature } from './sendgrid-signature';

describe('SendGrid Event Webhook signatures', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const body = Buffer.from('[{"event":"bounce","email":"a@example.com"}]\r\n');
  const timestamp = '1733300000';
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), privateKey).toString('base64');

  it('verifies ECDSA over the timestamp then the raw body', () => {
    expect(verifySendgridSignature(publicKey, signature, timestamp, body)).toBe(true);
  });

  it('refuses another body, timestamp or key, and missing or malformed headers', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    expect(verifySendgridSignature(publicKey, signature, timestamp, Buffer.from('[]'))).toBe(false);
    expect(verifySendgridSignature(publicKey, signature, '1733300001', body)).toBe(false);
    expect(verifySendgridSignature(other, signature, timestamp, body)).toBe(false);
    expect(verifySendgridSignature(publicKey, undefined, timestamp, body)).toBe(false);
    expect(verifySendgridSignature(publicKey, signature, undefined, body)).toBe(false);
    expect(verifySendgridSignature(publicKey, signature, timestamp, undefined)).toBe(false);
    expect(verifySendgridSignature(publicKey, 'bm90IGRlcg==', timestamp, body)).toBe(false);
  });
});
