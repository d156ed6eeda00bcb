import { describe, expect, it } from 'vitest';
import type { PushSubscriptionData } from '@herald/core';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { PushOutcome } from './push-message';
import { combineOutcomes } from './push.driver';

const web: PushSubscriptionData = {
  type: 'webpush',
  endpoint: 'https://push.example/s/1',
  keys: { p256dh: 'k', auth: 'a' },
};
const fcm: PushSubscriptionData = { type: 'fcm', token: 'token-123456789' };

const accepted = (messageId: string, target: PushSubscriptionData = web): PushOutcome => ({
  kind: 'accepted',
  target,
  messageId,
});
const gone = (target: PushSubscriptionData = web): PushOutcome => ({ kind: 'gone', target, reason: 'HTTP 410' });
const transient = (retryAfterMs?: number, target: PushSubscriptionData = fcm): PushOutcome => ({
  kind: 'failed',
  target,
  error: new TransientDeliveryError('HTTP 503', retryAfterMs),
});
const permanent = (target: PushSubscriptionData = fcm): PushOutcome => ({
  kind: 'failed',
  target,
  error: new PermanentDeliveryError('HTTP 403'),
});

describe('combineOutcomes', () => {
  it('is sent with the first accepted message id as soon as one subscription accepted', () => {
    expect(combineOutcomes([gone(), transient(), accepted('m-1'), accepted('m-2', fcm)])).toEqual({
      status: 'sent',
      providerMessageId: 'm-1',
    });
  });

  it('retries when nothing was accepted and a failure is transient, with the longest Retry-After', () => {
    const attempt = () => combineOutcomes([gone(), permanent(), transient(2000), transient(5000)]);
    expect(attempt).toThrow(TransientDeliveryError);
    try {
      attempt();
    } catch (error) {
      expect((error as TransientDeliveryError).retryAfterMs).toBe(5000);
      expect((error as Error).message).toMatch(/webpush https:\/\/push\.example: gone \(HTTP 410\)/);
      expect((error as Error).message).toMatch(/fcm token …23456789: HTTP 503/);
    }
  });

  it('is captured when no provider is configured for the subscriptions left', () => {
    expect(combineOutcomes([{ kind: 'captured', target: web }, gone(fcm)])).toEqual({ status: 'sent', captured: true });
  });

  it('fails permanently when every subscription is gone or refused', () => {
    expect(() => combineOutcomes([gone(), gone(fcm)])).toThrow(/every push subscription is gone/);
    expect(() => combineOutcomes([gone(), permanent()])).toThrow(PermanentDeliveryError);
  });
});
