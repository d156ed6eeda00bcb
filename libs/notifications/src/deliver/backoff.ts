/**
 * Delay before attempt `attempt + 1`: the first retry waits `baseMs`, each next
 * one doubles, with ±20% jitter so retries of one outage spread out. With the
 * defaults (15 s, 8 attempts) the retries span about half an hour.
 */
export function retryDelayMs(attempt: number, baseMs: number, random = Math.random): number {
  const exact = baseMs * 2 ** (attempt - 1);
  return Math.round(exact * (0.8 + 0.4 * random()));
}
