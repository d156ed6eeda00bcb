import { Injectable, Logger } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { RateLimitedError } from '../auth.errors';
import type { RateLimitBudget } from '../auth.types';
import { RateLimitStore } from './rate-limit.store';
import { estimate, previousWeight, retryAfterMs, windowAt } from './sliding-window';

const WINDOW_MS = 60_000;

/**
 * The counter key of a budget. An API key's is its bare id, as before recipients
 * were limited, so old and new instances share the counters during a rolling
 * deploy; key ids (UUIDs, `env:ADMIN_API_KEY`) never start with `recipient:`.
 */
function counterKey(budget: RateLimitBudget): string {
  return 'apiKeyId' in budget ? budget.apiKeyId : `recipient:${budget.recipientId}`;
}

/** The answer for one request, and what the RateLimit headers tell the client. */
type RateLimitDecision = {
  limit: number;
  remaining: number;
  /** Seconds until the current window closes, or until a refused request may be retried. */
  resetSeconds: number;
} & ({ allowed: true } | { allowed: false; retryAfterSeconds: number });

/**
 * RATE_LIMIT_PER_MINUTE per budget (an API key, a recipient), over a sliding minute shared by every API
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

  /** Counts one request of `key` if it fits; undefined when the limit is off or the store failed. */
  private async take(key: string, now = Date.now()): Promise<RateLimitDecision | undefined> {
    if (this.limit <= 0) return undefined; // RATE_LIMIT_PER_MINUTE=0 turns the limit off
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
   * Counts a request against `budget`: answers the RateLimit headers to send,
   * or throws the 429 problem when the budget is spent.
   */
  async enforce(budget: RateLimitBudget): Promise<Record<string, string>> {
    const decision = await this.take(counterKey(budget));
    if (!decision) return {};
    const headers = this.headers(decision);
    if (!decision.allowed) {
      const holder = 'apiKeyId' in budget ? 'This API key' : "This recipient's inbox token";
      throw new RateLimitedError(decision.limit, decision.retryAfterSeconds, headers, holder);
    }
    return headers;
  }

  /**
   * The RateLimit header fields of draft-ietf-httpapi-ratelimit-headers (the
   * separate-field form most clients read), plus Retry-After when refused.
   */
  private headers(decision: RateLimitDecision): Record<string, string> {
    return {
      'RateLimit-Limit': String(decision.limit),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(decision.resetSeconds),
      'RateLimit-Policy': `${decision.limit};w=${WINDOW_MS / 1000}`,
      ...(decision.allowed ? {} : { 'Retry-After': String(decision.retryAfterSeconds) }),
    };
  }
}
