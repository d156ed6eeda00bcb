import { describe, expect, it } from 'vitest';
import { redactQuery, redactUrl } from './log-redaction';

describe('redactUrl', () => {
  it('hides token and key query values and keeps the rest', () => {
    expect(redactUrl('/v1/recipients/u/inbox/stream?token=abc.def&x=1')).toBe(
      '/v1/recipients/u/inbox/stream?token=[Redacted]&x=1',
    );
    expect(redactUrl('/a?x=1&KEY=secret')).toBe('/a?x=1&KEY=[Redacted]');
    expect(redactUrl('/v1/notifications/1')).toBe('/v1/notifications/1');
  });
});

describe('redactQuery', () => {
  it('hides the same parameters in the parsed query, in any case', () => {
    expect(redactQuery({ token: 'a', Key: 'b', limit: '5' })).toEqual({
      token: '[Redacted]',
      Key: '[Redacted]',
      limit: '5',
    });
    expect(redactQuery(undefined)).toBeUndefined();
  });
});
