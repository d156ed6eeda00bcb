import { describe, expect, it } from 'vitest';
import { sendgridEffect } from './sendgrid-events';
import { twilioKeyword, twilioStatusOutcome } from './twilio-events';

const ID = '0193a3f5-7a1c-7b2d-8e4f-0123456789ab';

describe('Twilio status callbacks and keywords', () => {
  it('maps delivered, undelivered and failed; every other status changes nothing', () => {
    expect(twilioStatusOutcome('delivered', undefined)).toEqual({ status: 'delivered' });
    expect(twilioStatusOutcome('undelivered', '30003')).toEqual({
      status: 'failed',
      error: 'Twilio reported the message undelivered (Twilio error 30003)',
    });
    expect(twilioStatusOutcome('failed', undefined)).toMatchObject({ status: 'failed' });
    for (const status of ['queued', 'sending', 'sent', 'accepted', 'read', undefined]) {
      expect(twilioStatusOutcome(status, undefined)).toBeNull();
    }
  });

  it('reads the whole body as an opt-out or opt-in keyword, in any case', () => {
    for (const body of ['STOP', ' stop ', 'StopAll', 'unsubscribe', 'CANCEL', 'end', 'QUIT']) {
      expect(twilioKeyword(body)).toBe('stop');
    }
    expect(twilioKeyword('start')).toBe('start');
    expect(twilioKeyword('UNSTOP')).toBe('start');
    for (const body of ['please stop', 'STOP!', '', undefined, 'HELP']) expect(twilioKeyword(body)).toBeNull();
  });
});

describe('SendGrid events', () => {
  const base = { email: 'Ada@Example.com', 'smtp-id': `<${ID}@example.com>`, timestamp: 1733300000 };

  it('finds the delivery by the Message-ID Herald gave it, and only a UUID there', () => {
    expect(sendgridEffect({ ...base, event: 'delivered' })).toEqual({
      deliveryId: ID,
      outcome: { status: 'delivered' },
    });
    expect(sendgridEffect({ ...base, 'smtp-id': '<abc@example.com>', event: 'delivered' }).deliveryId).toBeUndefined();
    expect(sendgridEffect({ ...base, 'smtp-id': 42, event: 'delivered' }).deliveryId).toBeUndefined();
  });

  it('fails a bounce and suppresses the address as a hard bounce, but not a blocked (soft) one', () => {
    const hard = sendgridEffect({ ...base, event: 'bounce', type: 'bounce', reason: '550 5.1.1 no such user' });
    expect(hard.outcome).toEqual({
      status: 'failed',
      error: 'SendGrid reported the message bounced: 550 5.1.1 no such user',
    });
    expect(hard.suppression).toEqual({
      address: 'Ada@Example.com',
      reason: 'hard_bounce',
      detail: '550 5.1.1 no such user',
    });
    const soft = sendgridEffect({ ...base, event: 'bounce', type: 'blocked', reason: '421 try later' });
    expect(soft.outcome).toMatchObject({ status: 'failed' });
    expect(soft.suppression).toBeUndefined();
  });

  it('suppresses a drop for a bounced or complaining address, and only fails other drops', () => {
    expect(sendgridEffect({ ...base, event: 'dropped', reason: 'Bounced Address' }).suppression?.reason).toBe(
      'hard_bounce',
    );
    expect(sendgridEffect({ ...base, event: 'dropped', reason: 'Spam Reporting Address' }).suppression?.reason).toBe(
      'complaint',
    );
    const other = sendgridEffect({ ...base, event: 'dropped', reason: 'Invalid SMTPAPI header' });
    expect(other.outcome).toMatchObject({ status: 'failed' });
    expect(other.suppression).toBeUndefined();
  });

  it('records a spam report as a complaint without changing the delivery', () => {
    expect(sendgridEffect({ ...base, event: 'spamreport' })).toEqual({
      deliveryId: ID,
      suppression: { address: 'Ada@Example.com', reason: 'complaint' },
    });
  });

  it('ignores other events and anything that is not an event object', () => {
    for (const event of [{ ...base, event: 'open' }, { ...base, event: 'processed' }, null, 'bounce', [base], 7]) {
      expect(sendgridEffect(event)).toEqual({});
    }
  });
});
