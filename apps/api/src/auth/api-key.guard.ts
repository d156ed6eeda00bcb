import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HeraldError } from '@herald/core';
import type { Request, Response } from 'express';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { ApiKeyService } from './api-key.service';
import type { ApiCaller, Scope } from './scope';
import { PUBLIC_KEY, SCOPES_KEY } from './scopes.decorator';

export class UnauthorizedError extends HeraldError {
  constructor(detail: string) {
    super('unauthorized', 401, 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends HeraldError {
  constructor(scopes: Scope[]) {
    super('forbidden', 403, 'Forbidden', `This API key needs the scope ${scopes.join(' or ')}.`);
  }
}

/**
 * Global guard: every route needs a Bearer API key with one of its scopes, unless
 * it is @Public; then the key's rate limit (RATE_LIMIT_PER_MINUTE) applies.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { caller?: ApiCaller }>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedError('Send an API key as "Authorization: Bearer <key>".');
    const caller = await this.keys.authenticate(match[1]);
    if (!caller) throw new UnauthorizedError('The API key is unknown or revoked.');
    const required = this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? ['admin'];
    if (!caller.scopes.includes('admin') && !required.some((scope) => caller.scopes.includes(scope))) {
      throw new ForbiddenError(required);
    }
    request.caller = caller;
    // Limited here, in the guard, rather than in an interceptor: an interceptor would defer every
    // handler until the response is subscribed, and SSE answers would start before their subscription is live.
    const headers = await this.rateLimiter.enforce(caller.apiKeyId);
    const response = context.switchToHttp().getResponse<Response>();
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    return true;
  }
}
