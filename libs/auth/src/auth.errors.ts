import { HeraldError } from '@herald/core';
import type { Scope } from './auth.types';

/** 401: no credential, or one that is unknown or revoked. WWW-Authenticate names the scheme to use. */
export class UnauthorizedError extends HeraldError {
  constructor(detail: string) {
    super('unauthorized', 401, 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

/** 403: a valid key without any of the scopes the route needs. */
export class ForbiddenError extends HeraldError {
  constructor(scopes: readonly Scope[]) {
    super('forbidden', 403, 'Forbidden', `This API key needs the scope ${scopes.join(' or ')}.`);
  }
}

/** 429 with Retry-After and the RateLimit fields (API.md §2). */
export class RateLimitedError extends HeraldError {
  constructor(limit: number, retryAfterSeconds: number, headers: Record<string, string>, holder = 'This API key') {
    super(
      'rate-limited',
      429,
      'Too many requests',
      `${holder} made more than ${limit} requests in the last minute; retry after ${retryAfterSeconds} s.`,
      undefined,
      headers,
    );
  }
}
