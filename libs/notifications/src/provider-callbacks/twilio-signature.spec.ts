import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature } from './twilio-signature';

const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS: [string, string][] = [
  ['CallSid', 'CA1234567890ABCDE'],
  ['Caller', '+12349013030'],
  ['Digits', '1234'],
  ['From', '+12349013030'],
  ['To', '+18005551212'],
];

describe('Twilio request signatures', () => {
  it("computes the example of Twilio's security documentation", () => {
    // Twilio's documented example: this token, URL and parameters sign to this value.
    expect(twilioSignature(TOKEN, URL, PARAMS)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('sorts the parameters by name, whatever order they came in', () => {
    const data = `${URL}${PARAMS.map(([name, value]) => name + value).join('')}`;
    const expected = createHmac('sha1', TOKEN).update(data).digest('base64');
    expect(twilioSignature(TOKEN, URL, [...PARAMS].reverse())).toBe(expected);
  });

  it('verifies the right signature, with the default port written out or not, and nothing else', () => {
    const signature = twilioSignature(TOKEN, URL, PARAMS);
    expect(verifyTwilioSignature(TOKEN, signature, URL, PARAMS)).toBe(true);
    expect(verifyTwilioSignature(TOKEN, signature, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', PARAMS)).toBe(
      true,
    );
    expect(verifyTwilioSignature(TOKEN, undefined, URL, PARAMS)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, 'short', URL, PARAMS)).toBe(false);
    expect(verifyTwilioSignature('other', signature, URL, PARAMS)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, signature, 'https://mycompany.com/other', PARAMS)).toBe(false);
    expect(verifyTwilioSignature(TOKEN, signature, URL, [...PARAMS, ['Body', 'STOP']])).toBe(false);
  });
});
