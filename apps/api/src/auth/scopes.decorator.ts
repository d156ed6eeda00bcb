import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ApiCaller, Scope } from '@herald/auth';
import type { FastifyRequest } from 'fastify';

export const SCOPES_KEY = 'herald:scopes';
export const PUBLIC_KEY = 'herald:public';

/** A request once a guard has authenticated its API key (recipient-token requests have no caller). */
export type AuthenticatedRequest = FastifyRequest & { caller?: ApiCaller };

/** The caller needs any one of these scopes; `admin` always passes. */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);

/** No API key needed (health, docs, routes with their own credentials). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The API key caller; only on routes behind ApiKeyGuard, which always sets it. */
export const Caller = createParamDecorator(
  (_: unknown, context: ExecutionContext): ApiCaller =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().caller!,
);
