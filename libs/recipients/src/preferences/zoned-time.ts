/**
 * Wall-clock time in IANA zones with nothing but Intl: the arithmetic behind quiet hours and `sendAtLocal`.
 * A local time is read as JavaScript reads it, by its fields; an instant is a Date.
 */

/** A wall-clock time: the fields of a local date and time, month 1-12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** True when Intl knows `zone` (an IANA name such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and time of `instant` in `zone` (seconds dropped). */
export function localAt(instant: Date, zone: string): LocalDateTime {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(instant)
      .filter((part) => part.type !== 'literal')
      .map((part) => [part.type, Number(part.value)]),
  );
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

/** The local fields as if they were UTC, in milliseconds: how far apart two wall-clock times are. */
function wallMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
}

/** How far `zone` is ahead of UTC at `ms`, in milliseconds, to the minute. */
function offsetMs(ms: number, zone: string): number {
  const floored = Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  return wallMs(localAt(new Date(floored), zone)) - floored;
}

/**
 * The instant the clocks of `zone` show `local`. Around a DST change it resolves as Temporal's `compatible`
 * disambiguation does: a time that happens twice (clocks turned back) is its earlier instant; a time that never
 * happens (clocks turned forward, e.g. 02:30 in Berlin on the last Sunday of March) is moved forward by the gap
 * (03:30 CEST), so a scheduled send still goes, as soon after the asked time as the clock allows.
 */
export function instantOf(local: LocalDateTime, zone: string): Date {
  const wall = wallMs(local);
  // The offsets a day either side cover any one transition (none is longer or closer together than that).
  const before = offsetMs(wall - DAY_MS, zone);
  const after = offsetMs(wall + DAY_MS, zone);
  const candidates = [wall - before, wall - after].filter((ms) => offsetMs(ms, zone) === wall - ms);
  if (candidates.length) return new Date(Math.min(...candidates));
  // In the gap: the offset in force before it, which lands as far past the gap's start as `local` is.
  return new Date(wall - before);
}

/** `local` moved by whole days on the calendar (months and years roll over as Date.UTC rolls them). */
export function addLocalDays(local: LocalDateTime, days: number): LocalDateTime {
  const moved = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { ...local, year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `2026-12-02T09:00` (seconds allowed and dropped, no zone or offset) as fields; undefined when it is no such time. */
export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const match = LOCAL_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute));
  const valid =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  return valid ? { year, month, day, hour, minute } : undefined;
}
