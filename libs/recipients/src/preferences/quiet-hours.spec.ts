import { describe, expect, it } from 'vitest';
import { quietHoursEnd, quietHoursOf } from './quiet-hours';

const at = (iso: string) => new Date(iso);
const night = { start: '22:00', end: '08:00' };

describe('quiet hours, on real IANA zones', () => {
  it('ends a night window the next morning, local time', () => {
    // 23:00 in Berlin (CET) on 15 January: quiet until 08:00 CET on the 16th.
    expect(quietHoursEnd(at('2026-01-15T22:00:00Z'), night, 'Europe/Berlin')).toEqual(at('2026-01-16T07:00:00Z'));
    // 05:00 on the 16th: the same morning.
    expect(quietHoursEnd(at('2026-01-16T04:00:00Z'), night, 'Europe/Berlin')).toEqual(at('2026-01-16T07:00:00Z'));
    expect(quietHoursEnd(at('2026-01-16T07:00:00Z'), night, 'Europe/Berlin')).toBeUndefined();
    expect(quietHoursEnd(at('2026-01-16T12:00:00Z'), night, 'Europe/Berlin')).toBeUndefined();
    expect(quietHoursEnd(at('2026-01-16T20:59:00Z'), night, 'Europe/Berlin')).toBeUndefined();
  });

  it('ends a day window the same day', () => {
    const day = { start: '09:00', end: '17:00' };
    expect(quietHoursEnd(at('2026-05-01T10:00:00Z'), day, 'UTC')).toEqual(at('2026-05-01T17:00:00Z'));
    expect(quietHoursEnd(at('2026-05-01T08:59:00Z'), day, 'UTC')).toBeUndefined();
  });

  it('spans the night the clocks go forward: an hour shorter in real time', () => {
    // Berlin, 28-29 March 2026: 23:00 CET to 08:00 CEST is 8 hours.
    expect(quietHoursEnd(at('2026-03-28T22:00:00Z'), night, 'Europe/Berlin')).toEqual(at('2026-03-29T06:00:00Z'));
    // New York, 7-8 March 2026: 23:00 EST (04:00Z) to 08:00 EDT (12:00Z).
    expect(quietHoursEnd(at('2026-03-08T04:00:00Z'), night, 'America/New_York')).toEqual(at('2026-03-08T12:00:00Z'));
  });

  it('spans the night the clocks go back: an hour longer in real time', () => {
    // Berlin, 24-25 October 2026: 23:00 CEST (21:00Z) to 08:00 CET (07:00Z) is 10 hours.
    expect(quietHoursEnd(at('2026-10-24T21:00:00Z'), night, 'Europe/Berlin')).toEqual(at('2026-10-25T07:00:00Z'));
    // New York, 31 October - 1 November 2026: 23:00 EDT (03:00Z) to 08:00 EST (13:00Z).
    expect(quietHoursEnd(at('2026-11-01T03:00:00Z'), night, 'America/New_York')).toEqual(at('2026-11-01T13:00:00Z'));
  });

  it('moves an end the clocks skip past the gap, and counts a repeated hour once past the end as outside', () => {
    // Ends at 02:30 in Berlin on 29 March 2026, a time that does not exist: 03:30 CEST instead.
    const early = { start: '01:00', end: '02:30' };
    expect(quietHoursEnd(at('2026-03-29T00:30:00Z'), early, 'Europe/Berlin')).toEqual(at('2026-03-29T01:30:00Z'));
    // 25 October 2026: 02:10 CET (01:10Z) comes after 02:30 CEST (00:30Z) already ended the window.
    const late = { start: '22:00', end: '02:30' };
    expect(quietHoursEnd(at('2026-10-25T00:10:00Z'), late, 'Europe/Berlin')).toEqual(at('2026-10-25T00:30:00Z'));
    expect(quietHoursEnd(at('2026-10-25T01:10:00Z'), late, 'Europe/Berlin')).toBeUndefined();
  });

  it('trusts only a valid stored window', () => {
    expect(quietHoursOf(night)).toEqual(night);
    for (const bad of [
      null,
      'x',
      { start: '22:00' },
      { start: '24:00', end: '08:00' },
      { start: '08:00', end: '08:00' },
    ]) {
      expect(quietHoursOf(bad)).toBeUndefined();
    }
  });
});
