import { describe, expect, it } from 'vitest';
import type { Channel } from '@herald/core';
import { NotificationRejectedError } from '../notifications.errors';
import {
  chooseChannels,
  type DeliveryPlanInput,
  planDeliveries,
  resolveAddress,
  type StoredRecipientFields,
} from './accept-plan';

const ALL: Channel[] = ['email', 'sms', 'push', 'webhook', 'in_app'];

function recipient(overrides: Partial<StoredRecipientFields> = {}): StoredRecipientFields {
  return { email: 'stored@example.com', phone: '+14155550100', webhookUrl: null, preferences: {}, ...overrides };
}

function plan(overrides: Partial<DeliveryPlanInput> = {}) {
  let n = 0;
  return planDeliveries(
    {
      to: { recipientId: 'r-1' },
      recipient: recipient(),
      channels: ['email'],
      rendered: { email: { subject: 's', text: 't' }, sms: { text: 'x' }, in_app: { body: 'b' } },
      hasStoredPush: false,
      scheduled: false,
      ...overrides,
    },
    () => `id-${++n}`,
  );
}

/** `channel: status` or `channel: status:reason`, in order. */
function outcomes(deliveries: ReturnType<typeof plan>): string[] {
  return deliveries.map((d) => `${d.channel}: ${d.reason ? `${d.status}:${d.reason}` : d.status}`);
}

describe('chooseChannels', () => {
  it('takes every channel the content has when none are asked for', () => {
    expect(chooseChannels(undefined, ['email', 'sms'], 'content')).toEqual(['email', 'sms']);
  });

  it('takes the channels asked for, in the order asked', () => {
    expect(chooseChannels(['sms', 'email'], ['email', 'sms', 'push'], 'content')).toEqual(['sms', 'email']);
  });

  it('refuses a channel asked for without content, naming its index and the template', () => {
    const refuse = () => chooseChannels(['email', 'sms', 'push'], ['email'], 'template "welcome"');
    expect(refuse).toThrow(NotificationRejectedError);
    expect(refuse).toThrow(
      expect.objectContaining({
        errors: [
          { path: 'channels[1]', message: 'template "welcome" has no sms content' },
          { path: 'channels[2]', message: 'template "welcome" has no push content' },
        ],
      }),
    );
  });
});

describe('resolveAddress', () => {
  it('takes an inline address over the stored one, field by field', () => {
    expect(
      resolveAddress(
        { recipientId: 'r-1', email: 'inline@example.com' },
        recipient({ phone: '+14155550100', webhookUrl: 'https://hooks.example.com/r1' }),
      ),
    ).toEqual({
      recipientId: 'r-1',
      email: 'inline@example.com',
      phone: '+14155550100',
      webhookUrl: 'https://hooks.example.com/r1',
      pushSubscriptions: undefined,
    });
  });

  it('uses the inline addresses alone without a stored recipient, and never a stored null', () => {
    expect(resolveAddress({ phone: '+14155550111' }, null)).toEqual({
      recipientId: undefined,
      email: undefined,
      phone: '+14155550111',
      webhookUrl: undefined,
      pushSubscriptions: undefined,
    });
    expect(resolveAddress({ recipientId: 'r-1' }, recipient({ email: null })).email).toBeUndefined();
  });
});

describe('planDeliveries', () => {
  it('queues one delivery per channel with the address its channel uses and its rendered content', () => {
    const push = [{ type: 'fcm' as const, token: 'tok' }];
    const deliveries = plan({
      to: { recipientId: 'r-1', webhookUrl: 'https://hooks.example.com/x', pushSubscriptions: push },
      channels: ['email', 'sms', 'webhook', 'push', 'in_app'],
      rendered: { email: { subject: 's' }, sms: { text: 'x' }, webhook: { payload: {} }, push: { title: 'p' } },
    });
    expect(deliveries).toEqual([
      {
        id: 'id-1',
        channel: 'email',
        status: 'queued',
        address: { email: 'stored@example.com' },
        content: { subject: 's' },
      },
      { id: 'id-2', channel: 'sms', status: 'queued', address: { phone: '+14155550100' }, content: { text: 'x' } },
      {
        id: 'id-3',
        channel: 'webhook',
        status: 'queued',
        address: { webhookUrl: 'https://hooks.example.com/x' },
        content: { payload: {} },
      },
      {
        id: 'id-4',
        channel: 'push',
        status: 'queued',
        address: { recipientId: 'r-1', pushSubscriptions: push },
        content: { title: 'p' },
      },
      { id: 'id-5', channel: 'in_app', status: 'queued', address: { recipientId: 'r-1' }, content: undefined },
    ]);
  });

  it('plans scheduled deliveries when sendAt is in the future', () => {
    expect(outcomes(plan({ channels: ['email', 'sms'], scheduled: true }))).toEqual([
      'email: scheduled',
      'sms: scheduled',
    ]);
  });

  it('skips a channel without an address as no_address', () => {
    const deliveries = plan({ to: { email: 'a@example.com' }, recipient: null, channels: ALL });
    expect(outcomes(deliveries)).toEqual([
      'email: queued',
      'sms: skipped:no_address',
      'push: skipped:no_address',
      'webhook: skipped:no_address',
      'in_app: skipped:no_address',
    ]);
    // A skipped delivery carries neither address nor content.
    expect(deliveries[1]).toEqual({ id: 'id-2', channel: 'sms', status: 'skipped', reason: 'no_address' });
  });

  it('sends push to stored subscriptions, read by the driver at send time', () => {
    expect(plan({ channels: ['push'], hasStoredPush: true })).toEqual([
      { id: 'id-1', channel: 'push', status: 'queued', address: { recipientId: 'r-1' }, content: undefined },
    ]);
    expect(outcomes(plan({ channels: ['push'], hasStoredPush: false }))).toEqual(['push: skipped:no_address']);
    expect(outcomes(plan({ to: { recipientId: 'r-1', pushSubscriptions: [] }, channels: ['push'] }))).toEqual([
      'push: skipped:no_address',
    ]);
  });

  describe('opt-outs', () => {
    const preferences = { channels: { sms: false }, categories: { marketing: false, orders: { email: false } } };
    const opted = recipient({ preferences });

    it('skips a channel opted out as a channel and one opted out for the category, and sends the rest', () => {
      expect(
        outcomes(plan({ recipient: opted, channels: ['email', 'sms', 'in_app'], template: { category: 'orders' } })),
      ).toEqual(['email: skipped:opted_out', 'sms: skipped:opted_out', 'in_app: queued']);
    });

    it('skips every channel of a category opted out as a whole', () => {
      expect(
        outcomes(plan({ recipient: opted, channels: ['email', 'in_app'], template: { category: 'marketing' } })),
      ).toEqual(['email: skipped:opted_out', 'in_app: skipped:opted_out']);
    });

    it('applies only channel opt-outs to inline content (no category)', () => {
      expect(outcomes(plan({ recipient: opted, channels: ['email', 'sms', 'in_app'] }))).toEqual([
        'email: queued',
        'sms: skipped:opted_out',
        'in_app: queued',
      ]);
    });

    it('sends a critical template whatever the recipient opted out of', () => {
      expect(
        outcomes(
          plan({ recipient: opted, channels: ['email', 'sms'], template: { category: 'marketing', critical: true } }),
        ),
      ).toEqual(['email: queued', 'sms: queued']);
    });

    it('applies no opt-out without a stored recipient', () => {
      expect(
        outcomes(
          plan({
            to: { email: 'a@example.com', phone: '+14155550100' },
            recipient: null,
            channels: ['email', 'sms'],
            template: { category: 'marketing' },
          }),
        ),
      ).toEqual(['email: queued', 'sms: queued']);
    });

    it('says no_address before opted_out, and ignores malformed stored preferences', () => {
      expect(
        outcomes(plan({ recipient: recipient({ phone: null, preferences }), channels: ['sms'], template: {} })),
      ).toEqual(['sms: skipped:no_address']);
      expect(
        outcomes(plan({ recipient: recipient({ preferences: { channels: { email: 'no' } } }), channels: ['email'] })),
      ).toEqual(['email: queued']);
    });
  });
});
