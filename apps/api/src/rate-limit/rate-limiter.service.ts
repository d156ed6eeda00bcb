import { Injectable, Logger } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { RateLimitedError } from './rate-limited.error';
import { RateLimitStore } from './rate-limit.store';
import { estimate, previousWeight, retryAfterMs, windowAt } from './sliding-window';

const WINDOW_MS = 60_000;

/** The answer for one request, and what the RateLimit headers tell the client. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window closes, or until a refused request may be retried. */
  resetSeconds: number;
  /** Set when refused. */
  retryAfterSeconds?: number;
}

/**
 * RATE_LIMIT_PER_MINUTE per API key, over a sliding minute shared by every API
 * instance through the store. The limiter fails open: when the store does not
 * answer, requests pass (the API stays up as long as PostgreSQL is, and a
 * counter outage should not take it down).
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly limit: number;
  private failing = false;

  constructor(
    private readonly store: RateLimitStore,
    config: HeraldConfig,
  ) {
    this.limit = config.rateLimit.perMinute;
  }

  get enabled(): boolean {
    return this.limit > 0;
  }

  /** Counts one request of `key` if it fits; undefined when the limit is off or the store failed. */
  async take(key: string, now = Date.now()): Promise<RateLimitDecision | undefined> {
    if (!this.enabled) return undefined;
    const { start, elapsed } = windowAt(now, WINDOW_MS);
    const weight = previousWeight(elapsed, WINDOW_MS);
    let counts;
    try {
      counts = await this.store.take({
        key,
        windowStart: start,
        windowMs: WINDOW_MS,
        previousWeight: weight,
        limit: this.limit,
      });
    } catch (error) {
      if (!this.failing)
        this.logger.warn(
          `rate limit store (${this.store.kind}) failed, letting requests through: ${(error as Error).message}`,
        );
      this.failing = true;
      return undefined;
    }
    if (this.failing) this.logger.log(`rate limit store (${this.store.kind}) answers again`);
    this.failing = false;
    const windowLeft = Math.ceil((WINDOW_MS - elapsed) / 1000);
    if (counts.admitted) {
      const remaining = Math.max(0, Math.floor(this.limit - estimate(counts, weight)));
      return { allowed: true, limit: this.limit, remaining, resetSeconds: windowLeft };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs(counts, elapsed, WINDOW_MS, this.limit) / 1000));
    return { allowed: false, limit: this.limit, remaining: 0, resetSeconds: retryAfterSeconds, retryAfterSeconds };
  }

  /**
   * Counts a request of this key: answers the RateLimit headers to send, or
   * throws the 429 problem when the key is over its limit.
   */
  async enforce(key: string): Promise<Record<string, string>> {
    const decision = await this.take(key);
    if (!decision) return {};
    const headers = this.headers(decision);
    if (!decision.allowed) throw new RateLimitedError(decision.limit, decision.retryAfterSeconds!, headers);
    return headers;
  }

  /**
   * The RateLimit header fields of draft-ietf-httpapi-ratelimit-headers (the
   * separate-field form most clients read), plus Retry-After when refused.
   */
  headers(decision: RateLimitDecision): Record<string, string> {
    return {
      'RateLimit-Limit': String(decision.limit),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(decision.resetSeconds),
      'RateLimit-Policy': `${decision.limit};w=${WINDOW_MS / 1000}`,
      ...(decision.retryAfterSeconds !== undefined ? { 'Retry-After': String(decision.retryAfterSeconds) } : {}),
    };
  }
}
