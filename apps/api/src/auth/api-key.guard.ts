import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthService, Scope } from '@herald/auth';
import type { FastifyReply } from 'fastify';
import { AuthenticatedRequest, PUBLIC_KEY, SCOPES_KEY } from './scopes.decorator';

/**
 * Global guard: every route needs a Bearer API key with one of its scopes, unless
 * it is @Public; AuthService also counts the request against the key's rate limit.
 *
 * Limited here, in a guard, rather than in an interceptor: an interceptor would defer every
 * handler until the response is subscribed, and SSE answers would start before their subscription is live.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? ['admin'];
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    request.caller = await this.auth.authenticate(
      request.headers.authorization,
      required,
      http.getResponse<FastifyReply>(),
    );
    return true;
  }
}
