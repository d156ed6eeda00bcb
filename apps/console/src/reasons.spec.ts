import { describe, expect, it } from 'vitest';
import { clockTime, duration, explainReason } from './reasons';

const delivery = (status: string, reason: string | null, nextAttemptAt: string | null = null) =>
  ({ channel: 'email', status, reason, nextAttemptAt }) as Parameters<typeof explainReason>[0];

describe('explainReason', () => {
  it('says nothing for a delivery without a reason', () => {
    expect(explainReason(delivery('sent', null))).toBeNull();
  });

  it("names the throttle's limit and window when the template version is known, plainly otherwise", () => {
    const rules = { throttle: { limit: 3, window: 3600 } };
    expect(explainReason(delivery('skipped', 'throttled'), { rules })).toBe(
      "the template's limit of 3 per 1 hour for this recipient was reached",
    );
    expect(
      explainReason(delivery('skipped', 'throttled'), { rules: { throttle: { ...rules.throttle, key: 'k' } } }),
    ).toContain('for this recipient and key');
    expect(explainReason(delivery('skipped', 'throttled'))).toBe("the template's send limit per window was reached");
  });

  it("tells when quiet hours end in the recipient's zone, UTC when it has none", () => {
    const at = '2026-12-04T07:00:00.000Z';
    expect(explainReason(delivery('scheduled', 'quiet_hours', at), { timezone: 'Europe/Berlin' })).toBe(
      "held until 08:00 in Europe/Berlin, the end of the recipient's quiet hours",
    );
    expect(explainReason(delivery('scheduled', 'quiet_hours', at), { timezone: null })).toBe(
      "held until 07:00 in UTC, the end of the recipient's quiet hours",
    );
    expect(
      explainReason(delivery('sent', 'quiet_hours'), {
        timezone: 'Asia/Tokyo',
        quietHours: { start: '22:00', end: '08:00' },
      }),
    ).toBe("held by the recipient's quiet hours (22:00–08:00) in Asia/Tokyo, and released at their end");
  });

  it("names the step's delay and its condition", () => {
    const rules = {
      steps: [{ channel: 'in_app' as const }, { channel: 'email' as const, delay: 120, unless: 'read' as const }],
    };
    expect(explainReason(delivery('scheduled', 'step_delay'), { rules })).toBe(
      'an escalation step that goes 2 minutes after the send, unless the in-app message is read by then',
    );
    expect(explainReason(delivery('sent', 'step_delay'))).toBe("an escalation step, sent after its step's delay");
    expect(explainReason(delivery('skipped', 'already_read'))).toBe(
      'the in-app message was read before this step was due, so it was not sent',
    );
  });

  it('passes an unknown reason through as it is', () => {
    expect(explainReason(delivery('skipped', 'something_new'))).toBe('something_new');
  });
});

describe('duration and clockTime', () => {
  it('uses the largest whole unit', () => {
    expect([duration(1), duration(90), duration(120), duration(7200), duration(86_400 * 2)]).toEqual([
      '1 second',
      '90 seconds',
      '2 minutes',
      '2 hours',
      '2 days',
    ]);
  });

  it('reads an instant in a zone, on a 24-hour clock', () => {
    expect(clockTime('2026-07-01T22:30:00Z', 'America/New_York')).toBe('18:30');
  });
});
