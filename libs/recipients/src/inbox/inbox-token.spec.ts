import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseInboxEvent } from './inbox-events';
import { inboxToken, verifyInboxToken } from './inbox-token';

describe('inbox tokens', () => {
  it('are the base64url HMAC-SHA256 of the recipient id, without padding', () => {
    const token = inboxToken('s3cret', 'user-42');
    const base64 = createHmac('sha256', 's3cret').update('user-42').digest('base64');
    expect(token).toBe(base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('verify only for the same secret and recipient', () => {
    const token = inboxToken('s3cret', 'user-42');
    expect(verifyInboxToken('s3cret', 'user-42', token)).toBe(true);
    expect(verifyInboxToken('s3cret', 'user-43', token)).toBe(false);
    expect(verifyInboxToken('other', 'user-42', token)).toBe(false);
    expect(verifyInboxToken('s3cret', 'user-42', token.slice(1))).toBe(false);
    expect(verifyInboxToken('s3cret', 'user-42', '')).toBe(false);
    expect(verifyInboxToken('s3cret', 'user-42', `${token}=`)).toBe(false);
  });
});

describe('inbox event payloads', () => {
  it('parse what an instance published and nothing else', () => {
    const event = { messageId: '01900000-0000-7000-8000-000000000001', recipientId: 'user-42' };
    expect(parseInboxEvent(JSON.stringify(event))).toEqual(event);
    expect(parseInboxEvent('not json')).toBeUndefined();
    expect(parseInboxEvent(JSON.stringify({ messageId: 'x', recipientId: 'user-42' }))).toBeUndefined();
    expect(parseInboxEvent(JSON.stringify({ messageId: event.messageId }))).toBeUndefined();
    expect(parseInboxEvent('null')).toBeUndefined();
  });
});
