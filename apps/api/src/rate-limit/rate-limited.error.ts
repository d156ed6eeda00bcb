import { HeraldError } from '@herald/core';

/** 429 with Retry-After and the RateLimit fields (API.md §2). */
export class RateLimitedError extends HeraldError {
  constructor(limit: number, retryAfterSeconds: number, headers: Record<string, string>) {
    super(
      'rate-limited',
      429,
      'Too many requests',
      `This API key made more than ${limit} requests in the last minute; retry after ${retryAfterSeconds} s.`,
      undefined,
      headers,
    );
  }
}
