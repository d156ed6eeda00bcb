/**
 * The sliding window counter (as Cloudflare and nginx-style limiters use it):
 * counts per fixed window, with the previous window's count weighted by how
 * much of it still overlaps the last `windowMs`. It needs two counters per key,
 * has no burst of twice the limit at a window edge as a fixed window does, and
 * assumes the previous window's requests were spread evenly.
 */

export interface WindowCounts {
  /** Requests counted in the current window. */
  current: number;
  /** Requests counted in the window before it. */
  previous: number;
}

/** The window `now` falls in: its start (epoch ms) and how far into it `now` is. */
export function windowAt(now: number, windowMs: number): { start: number; elapsed: number } {
  const elapsed = now % windowMs;
  return { start: now - elapsed, elapsed };
}

/** The share of the previous window still inside the sliding window. */
export function previousWeight(elapsed: number, windowMs: number): number {
  return (windowMs - elapsed) / windowMs;
}

/** Requests in the last `windowMs`, estimated. */
export function estimate(counts: WindowCounts, weight: number): number {
  return counts.current + counts.previous * weight;
}

/** Whether one more request fits under `limit`. */
export function fits(counts: WindowCounts, weight: number, limit: number): boolean {
  return estimate(counts, weight) + 1 <= limit;
}

/**
 * Milliseconds until one more request fits, if none is made meanwhile: the
 * earliest time a client told `Retry-After` can come back and be let in.
 */
export function retryAfterMs(counts: WindowCounts, elapsed: number, windowMs: number, limit: number): number {
  const { current, previous } = counts;
  if (current + 1 <= limit) {
    // This window has room; the previous window's share has to fade:
    // current + 1 + previous * (windowMs - elapsed - t) / windowMs <= limit.
    if (previous === 0) return 0;
    return Math.max(0, windowMs - elapsed - ((limit - 1 - current) * windowMs) / previous);
  }
  // This window is full on its own: wait for the next one, where this one's share fades the same way.
  return windowMs - elapsed + Math.max(0, windowMs - ((limit - 1) * windowMs) / current);
}
