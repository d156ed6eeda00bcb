import { addLocalDays, instantOf, localAt } from './zoned-time';

/** `quietHours` of a recipient's preferences: local clock times, `start` inclusive, `end` exclusive. */
export interface QuietHours {
  start: string;
  end: string;
}

/** `HH:MM`, 00:00 to 23:59. */
export const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Quiet hours as stored, or undefined when `value` is not a valid window (a hand-edited row is not trusted). */
export function quietHoursOf(value: unknown): QuietHours | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { start, end } = value as Record<string, unknown>;
  if (typeof start !== 'string' || typeof end !== 'string') return undefined;
  if (!CLOCK_TIME.test(start) || !CLOCK_TIME.test(end) || start === end) return undefined;
  return { start, end };
}

/**
 * When the quiet hours that `at` falls in end, read on the clocks of `zone`; undefined when `at` is outside them.
 * A window whose start is after its end runs over midnight (22:00-08:00). The end is a wall-clock time, so on the
 * night the clocks change the window is an hour longer or shorter in real time; an end that falls in a DST gap
 * is moved forward by the gap (`instantOf`). In the hour the clocks turn back, a local time that the end already
 * passed once counts as outside.
 */
export function quietHoursEnd(at: Date, quiet: QuietHours, zone: string): Date | undefined {
  const local = localAt(at, zone);
  const now = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const overnight = start > end;
  const inside = overnight ? now >= start || now < end : now >= start && now < end;
  if (!inside) return undefined;
  const day = overnight && now >= start ? addLocalDays(local, 1) : local;
  const endsAt = instantOf({ ...day, hour: Math.floor(end / 60), minute: end % 60 }, zone);
  return endsAt > at ? endsAt : undefined;
}
