import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it('doubles from the base delay, within ±20% jitter', () => {
    expect(retryDelayMs(1, 15_000, () => 0.5)).toBe(15_000);
    expect(retryDelayMs(2, 15_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(3, 15_000, () => 0)).toBe(48_000);
    expect(retryDelayMs(3, 15_000, () => 1)).toBe(72_000);
  });

  it('spreads the 7 retries of the defaults over about half an hour', () => {
    const total = [1, 2, 3, 4, 5, 6, 7].reduce((sum, attempt) => sum + retryDelayMs(attempt, 15_000, () => 0.5), 0);
    expect(total / 60_000).toBeCloseTo(31.75, 1);
  });
});
