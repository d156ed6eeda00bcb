import { describe, expect, it } from 'vitest';
import { redactUrl } from './log-redaction';

describe('redactUrl', () => {
  it('hides token and key query values and keeps the rest', () => {
    expect(redactUrl('/v1/recipients/u/inbox/stream?token=abc.def&x=1')).toBe(
      '/v1/recipients/u/inbox/stream?token=[Redacted]&x=1',
    );
    expect(redactUrl('/a?x=1&KEY=secret')).toBe('/a?x=1&KEY=[Redacted]');
    expect(redactUrl('/v1/notifications/1')).toBe('/v1/notifications/1');
  });
});
