import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HeraldError } from '@herald/core';
import type { Request } from 'express';
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

/** Global guard: every route needs a Bearer API key with one of its scopes, unless it is @Public. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
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
    return true;
  }
}
