import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { checkVapid } from './vapid-keys';

describe('checkVapid', () => {
  const keys = webpush.generateVAPIDKeys();
  const subject = 'mailto:ops@example.com';

  it('accepts a generated pair', () => {
    expect(() => checkVapid({ ...keys, subject })).not.toThrow();
  });

  it('names the variable that is wrong', () => {
    const other = webpush.generateVAPIDKeys();
    expect(() => checkVapid({ ...keys, publicKey: 'short', subject })).toThrow(/VAPID_PUBLIC_KEY/);
    expect(() => checkVapid({ ...keys, privateKey: 'short', subject })).toThrow(/VAPID_PRIVATE_KEY/);
    expect(() => checkVapid({ publicKey: keys.publicKey, privateKey: other.privateKey, subject })).toThrow(
      /VAPID_PRIVATE_KEY does not match VAPID_PUBLIC_KEY/,
    );
    expect(() => checkVapid({ ...keys, subject: 'ops@example.com' })).toThrow(/VAPID_SUBJECT/);
  });
});
