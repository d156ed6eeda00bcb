import { describe, expect, it } from 'vitest';
import { estimate, fits, previousWeight, retryAfterMs, windowAt } from './sliding-window';

const MINUTE = 60_000;

describe('sliding window', () => {
  it('places a time in its window', () => {
    expect(windowAt(125_000, MINUTE)).toEqual({ start: 120_000, elapsed: 5_000 });
    expect(previousWeight(15_000, MINUTE)).toBe(0.75);
  });

  it('counts the previous window by its overlap, so a window edge allows no second burst', () => {
    // 5 requests late in the last window, 0.1 s into this one: the previous 5 still count almost fully.
    const weight = previousWeight(100, MINUTE);
    expect(fits({ current: 0, previous: 5 }, weight, 5)).toBe(false);
    expect(fits({ current: 0, previous: 5 }, previousWeight(MINUTE - 1, MINUTE), 5)).toBe(true);
    expect(fits({ current: 4, previous: 0 }, weight, 5)).toBe(true);
    expect(fits({ current: 5, previous: 0 }, weight, 5)).toBe(false);
    expect(estimate({ current: 2, previous: 4 }, 0.5)).toBe(4);
  });

  it('answers the earliest time one more request fits', () => {
    // Full window on its own, at 0 s: the next window, once 5 * (1 - e/60) + 1 <= 5, i.e. 12 s into it.
    expect(retryAfterMs({ current: 5, previous: 0 }, 0, MINUTE, 5)).toBe(72_000);
    // Room in this window, the previous one's share has to fade: 2 + 1 + 4 * (60 - 30 - t) / 60 <= 5 at t = 0.
    expect(retryAfterMs({ current: 2, previous: 4 }, 30_000, MINUTE, 5)).toBe(0);
    expect(retryAfterMs({ current: 2, previous: 8 }, 30_000, MINUTE, 5)).toBe(15_000);
    for (const [counts, elapsed] of [
      [{ current: 5, previous: 3 }, 10_000],
      [{ current: 3, previous: 9 }, 45_000],
      [{ current: 1, previous: 40 }, 1_000],
    ] as const) {
      const wait = retryAfterMs(counts, elapsed, MINUTE, 5);
      const later = elapsed + wait;
      // After the wait the request fits, a moment before it does not.
      const at = (t: number) =>
        t < MINUTE
          ? fits(counts, previousWeight(t, MINUTE), 5)
          : fits({ current: 0, previous: counts.current }, previousWeight(t - MINUTE, MINUTE), 5);
      expect(at(later + 1e-6)).toBe(true);
      expect(at(later - 1)).toBe(false);
    }
  });
});
