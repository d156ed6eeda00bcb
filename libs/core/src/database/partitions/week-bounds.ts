const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: the first Monday came four days later. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

/** Monday 00:00 UTC of the week that holds `ms`. */
export function weekStart(ms: number): number {
  return ms - ((((ms - FIRST_MONDAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS);
}

/**
 * The smallest UUIDv7 of millisecond `ms`: a partition bound. UUIDs compare byte by byte and a UUIDv7 starts with
 * its 48-bit millisecond timestamp, so every id minted at `ms` or later sorts at or above it.
 */
export function uuidAt(ms: number): string {
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-0000-0000-000000000000`;
}

/** The millisecond a UUIDv7 was minted at (its first 48 bits). */
export function uuidTime(uuid: string): number {
  return parseInt(uuid.replace('-', '').slice(0, 12), 16);
}

/** `notifications_w20261130`: the table and the UTC date of the week's Monday. */
export function weekPartitionName(table: string, week: number): string {
  return `${table}_w${new Date(week).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** A partition's range in milliseconds; `from` null for MINVALUE (the legacy partition), `to` Infinity for MAXVALUE. */
export interface PartitionRange {
  from: number | null;
  to: number;
}

const BOUND = /FROM \((?:'([0-9a-f-]{36})'|MINVALUE)\) TO \((?:'([0-9a-f-]{36})'|MAXVALUE)\)/;

/** Reads `pg_get_expr(relpartbound)` of a range partition on a uuid: `FOR VALUES FROM ('…') TO ('…')`. */
export function parsePartitionRange(bound: string): PartitionRange {
  const match = BOUND.exec(bound);
  if (!match) throw new Error(`not a uuid range partition bound: ${bound}`);
  return { from: match[1] ? uuidTime(match[1]) : null, to: match[2] ? uuidTime(match[2]) : Infinity };
}

/** The Mondays of the weeks that hold any of `times`, each once, in order. */
export function weeksOf(times: number[]): number[] {
  return [...new Set(times.map(weekStart))].sort((a, b) => a - b);
}

/** The Mondays of every week from the one holding `from` to the one holding `to`. */
export function weeksBetween(from: number, to: number): number[] {
  const weeks: number[] = [];
  for (let week = weekStart(from); week <= to; week += WEEK_MS) weeks.push(week);
  return weeks;
}
