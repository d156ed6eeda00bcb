import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HeraldConfig } from '@herald/core';
import { verifyInboxToken } from '@herald/recipients';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../auth/api-key.guard';
import { ApiKeyService } from '../auth/api-key.service';
import type { ApiCaller } from '../auth/scope';

const QUERY_TOKEN_KEY = 'herald:inbox-query-token';

/**
 * The route also takes the recipient token as `?token=`: EventSource cannot send
 * headers. Only the stream does, since a URL ends up in logs and browser history.
 */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN_KEY, true);

/**
 * Inbox routes serve two callers: a backend with an API key (scope `read`), and
 * the recipient's own browser with `X-Recipient-Token`, the HMAC of the recipient
 * id with INBOX_SECRET. The routes are @Public for the global guard; this one
 * checks either credential against the `:id` of the route.
 */
@Injectable()
export class InboxAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly config: HeraldConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { caller?: ApiCaller }>();
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const caller = match ? await this.keys.authenticate(match[1]) : null;
      if (!caller) throw new UnauthorizedError('The API key is unknown or revoked.');
      if (!caller.scopes.includes('admin') && !caller.scopes.includes('read')) throw new ForbiddenError(['read']);
      request.caller = caller;
      return true;
    }

    const allowQuery = this.reflector.get<boolean>(QUERY_TOKEN_KEY, context.getHandler()) ?? false;
    const header = request.headers['x-recipient-token'];
    const query = allowQuery ? request.query.token : undefined;
    const token = typeof header === 'string' ? header : typeof query === 'string' ? query : undefined;
    if (token === undefined) {
      const where = allowQuery ? 'the X-Recipient-Token header or ?token=' : 'the X-Recipient-Token header';
      throw new UnauthorizedError(
        `Send an API key as "Authorization: Bearer <key>", or the recipient token in ${where}.`,
      );
    }
    const secret = this.config.inbox.secret;
    if (!secret) throw new UnauthorizedError('Recipient tokens are not accepted: INBOX_SECRET is not set.');
    const recipientId = String(request.params.id ?? '');
    if (!verifyInboxToken(secret, recipientId, token)) {
      throw new UnauthorizedError('The recipient token is not valid for this recipient.');
    }
    return true;
  }
}
