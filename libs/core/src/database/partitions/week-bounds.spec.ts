import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../ids/uuid-v7';
import {
  parsePartitionRange,
  uuidAt,
  uuidTime,
  WEEK_MS,
  weekPartitionName,
  weeksBetween,
  weeksOf,
  weekStart,
} from './week-bounds';

const at = (iso: string) => Date.parse(iso);

describe('weekly partition bounds', () => {
  it('starts each week on Monday 00:00 UTC', () => {
    expect(weekStart(at('2026-12-04T18:47:30Z'))).toBe(at('2026-11-30T00:00:00Z'));
    expect(weekStart(at('2026-11-30T00:00:00Z'))).toBe(at('2026-11-30T00:00:00Z'));
    expect(weekStart(at('2026-11-29T23:59:59.999Z'))).toBe(at('2026-11-23T00:00:00Z'));
    expect(weekStart(0)).toBe(at('1969-12-29T00:00:00Z'));
  });

  it('bounds the ids of a week: minted in it sorts between its bounds, as PostgreSQL compares uuids', () => {
    const week = weekStart(at('2026-12-04T12:00:00Z'));
    const [low, high] = [uuidAt(week), uuidAt(week + WEEK_MS)];
    for (const ms of [week, week + 1, week + WEEK_MS - 1]) {
      const id = uuidv7(ms);
      expect(uuidTime(id)).toBe(ms);
      expect(low <= id && id < high).toBe(true);
    }
    expect(uuidv7(week - 1) < low).toBe(true);
    expect(uuidv7(week + WEEK_MS) >= high).toBe(true);
  });

  it('reads the range of a partition, MINVALUE for the legacy one', () => {
    const week = at('2026-11-30T00:00:00Z');
    expect(parsePartitionRange(`FOR VALUES FROM ('${uuidAt(week)}') TO ('${uuidAt(week + WEEK_MS)}')`)).toEqual({
      from: week,
      to: week + WEEK_MS,
    });
    expect(parsePartitionRange(`FOR VALUES FROM (MINVALUE) TO ('${uuidAt(week)}')`)).toEqual({ from: null, to: week });
    expect(() => parsePartitionRange('DEFAULT')).toThrow(/not a uuid range/);
  });

  it('names a partition by its table and Monday, and lists the weeks of times', () => {
    expect(weekPartitionName('notifications', at('2026-11-30T00:00:00Z'))).toBe('notifications_w20261130');
    const monday = at('2026-11-30T00:00:00Z');
    expect(weeksOf([monday + 5, monday - 5, monday + 7])).toEqual([monday - WEEK_MS, monday]);
    expect(weeksBetween(monday + 1000, monday + 14 * 86_400_000)).toEqual([
      monday,
      monday + WEEK_MS,
      monday + 2 * WEEK_MS,
    ]);
  });
});
