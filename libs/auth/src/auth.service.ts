import { Injectable } from '@nestjs/common';
import { ApiKeyService } from './api-key.service';
import { ForbiddenError, UnauthorizedError } from './auth.errors';
import type { ApiCaller, HeaderSink, RateLimitBudget, Scope } from './auth.types';
import { RateLimiter } from './rate-limit/rate-limiter.service';

const BEARER = /^Bearer\s+(\S+)$/i;

/** How a request proves who it is. Every guard calls `authenticate`, so every route keyed by an API key is limited alike. */
@Injectable()
export class AuthService {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /**
   * Parses `Authorization: Bearer <key>`, checks the key and that it holds one
   * of `required` (`admin` always passes), then counts the request against the
   * key's rate limit. Throws UnauthorizedError (401), ForbiddenError (403) or
   * RateLimitedError (429); a request refused before the limit is not counted.
   */
  async authenticate(
    authorization: string | undefined,
    required: readonly Scope[],
    response: HeaderSink,
  ): Promise<ApiCaller> {
    const match = BEARER.exec(authorization ?? '');
    if (!match) throw new UnauthorizedError('Send an API key as "Authorization: Bearer <key>".');
    const caller = await this.keys.identify(match[1]);
    if (!caller) throw new UnauthorizedError('The API key is unknown or revoked.');
    if (!caller.scopes.includes('admin') && !required.some((scope) => caller.scopes.includes(scope))) {
      throw new ForbiddenError(required);
    }
    await this.limit({ apiKeyId: caller.apiKeyId }, response);
    return caller;
  }

  /** Counts one request against `budget`: the RateLimit headers go on `response`, or RateLimitedError (429) is thrown. */
  async limit(budget: RateLimitBudget, response: HeaderSink): Promise<void> {
    const headers = await this.rateLimiter.enforce(budget);
    for (const [name, value] of Object.entries(headers)) response.header(name, value);
  }
}
