import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ApiCaller, Scope } from './scope';

export const SCOPES_KEY = 'herald:scopes';
export const PUBLIC_KEY = 'herald:public';

/** The caller needs any one of these scopes; `admin` always passes. */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);

/** No API key needed (health, docs, routes with their own credentials). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const Caller = createParamDecorator(
  (_: unknown, context: ExecutionContext): ApiCaller => context.switchToHttp().getRequest().caller,
);
