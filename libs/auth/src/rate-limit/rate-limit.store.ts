/** One request to count against a key's window, if it fits. */
export interface RateLimitTake {
  key: string;
  /** Epoch ms where the current window starts; the previous one starts `windowMs` earlier. */
  windowStart: number;
  windowMs: number;
  /** How much of the previous window's count still applies (see sliding-window.ts). */
  previousWeight: number;
  limit: number;
}

export interface RateLimitCounts {
  /** The request fitted and was counted; a refused request is not counted. */
  admitted: boolean;
  /** The current window's count, this request included when admitted. */
  current: number;
  previous: number;
}

/**
 * Where the counters live, shared by every API instance: Redis when REDIS_URL
 * or REDIS_CLUSTER_NODES is set, else PostgreSQL. `take` checks and counts in
 * one atomic step, so concurrent requests on several instances never pass the
 * limit together.
 */
export abstract class RateLimitStore {
  abstract readonly kind: 'redis' | 'postgres';
  abstract take(request: RateLimitTake): Promise<RateLimitCounts>;
}
