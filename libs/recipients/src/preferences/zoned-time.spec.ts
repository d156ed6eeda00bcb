import { describe, expect, it } from 'vitest';
import { addLocalDays, instantOf, isTimeZone, localAt, parseLocalDateTime } from './zoned-time';

const at = (iso: string) => new Date(iso);
const local = (text: string) => parseLocalDateTime(text)!;

describe('zoned time, on real IANA zones', () => {
  it('reads an instant on the local clock, in winter and in summer', () => {
    expect(localAt(at('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toEqual(local('2026-01-15T13:00'));
    expect(localAt(at('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toEqual(local('2026-07-15T14:00'));
    expect(localAt(at('2026-07-15T02:00:00Z'), 'America/New_York')).toEqual(local('2026-07-14T22:00'));
    expect(localAt(at('2026-07-15T02:00:00Z'), 'UTC')).toEqual(local('2026-07-15T02:00'));
  });

  it('finds the instant of a local time on either side of a change', () => {
    expect(instantOf(local('2026-03-29T01:59'), 'Europe/Berlin')).toEqual(at('2026-03-29T00:59:00Z'));
    expect(instantOf(local('2026-03-29T03:00'), 'Europe/Berlin')).toEqual(at('2026-03-29T01:00:00Z'));
    expect(instantOf(local('2026-12-02T09:00'), 'America/New_York')).toEqual(at('2026-12-02T14:00:00Z'));
    expect(instantOf(local('2026-06-02T09:00'), 'America/New_York')).toEqual(at('2026-06-02T13:00:00Z'));
    expect(instantOf(local('2026-06-02T09:00'), 'Asia/Kolkata')).toEqual(at('2026-06-02T03:30:00Z'));
  });

  it('moves a local time the clocks skip forward by the gap', () => {
    // Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 never shows, 03:30 CEST does.
    expect(instantOf(local('2026-03-29T02:30'), 'Europe/Berlin')).toEqual(at('2026-03-29T01:30:00Z'));
    expect(localAt(at('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toEqual(local('2026-03-29T03:30'));
    // New York, 8 March 2026: 02:00 EST becomes 03:00 EDT.
    expect(instantOf(local('2026-03-08T02:30'), 'America/New_York')).toEqual(at('2026-03-08T07:30:00Z'));
  });

  it('takes the earlier of a local time the clocks show twice', () => {
    // Berlin, 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:30 is 00:30Z and 01:30Z.
    expect(instantOf(local('2026-10-25T02:30'), 'Europe/Berlin')).toEqual(at('2026-10-25T00:30:00Z'));
    // New York, 1 November 2026: 01:30 EDT (05:30Z), then 01:30 EST (06:30Z).
    expect(instantOf(local('2026-11-01T01:30'), 'America/New_York')).toEqual(at('2026-11-01T05:30:00Z'));
  });

  it('parses local date-times, refusing what no calendar has', () => {
    expect(parseLocalDateTime('2026-12-02T09:00')).toEqual({ year: 2026, month: 12, day: 2, hour: 9, minute: 0 });
    expect(parseLocalDateTime('2026-12-02T09:00:59')).toEqual(local('2026-12-02T09:00'));
    for (const bad of ['2026-02-30T09:00', '2026-12-02T24:00', '2026-12-02 09:00', '2026-12-02T09:00Z', '']) {
      expect(parseLocalDateTime(bad)).toBeUndefined();
    }
    expect(addLocalDays(local('2026-12-31T23:00'), 1)).toEqual(local('2027-01-01T23:00'));
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
