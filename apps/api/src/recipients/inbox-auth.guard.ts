import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthService, UnauthorizedError } from '@herald/auth';
import { HeraldConfig } from '@herald/core';
import { verifyInboxToken } from '@herald/recipients';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/scopes.decorator';

const QUERY_TOKEN_KEY = 'herald:inbox-query-token';

/** The parts of an inbox request this guard reads: the recipient of the route, and `?token=`. */
type InboxRequest = AuthenticatedRequest & { params: { id?: string }; query: { token?: unknown } };

/**
 * The route also takes the recipient token as `?token=`: EventSource cannot send
 * headers. Only the stream does, since a URL ends up in logs and browser history.
 */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN_KEY, true);

/**
 * Inbox routes serve two callers: a backend with an API key (scope `read`), and
 * the recipient's own browser with `X-Recipient-Token`, the HMAC of the recipient
 * id with INBOX_SECRET. The routes are @Public for the global guard; this one
 * checks either credential against the `:id` of the route, and counts the request
 * against a rate limit in the guard (see ApiKeyGuard for why not an interceptor).
 */
@Injectable()
export class InboxAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly config: HeraldConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<InboxRequest>();
    const response = http.getResponse<FastifyReply>();
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      // An API key spends the same per-key budget here as on every other route.
      request.caller = await this.auth.authenticate(authorization, ['read'], response);
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
    // Limited too, on a budget per recipient (RATE_LIMIT_PER_MINUTE, far above what one person's tabs
    // make): the token lives in a browser, so it leaks more easily than a key, and unlimited it would let
    // one leaked token open streams and run inbox queries without bound. Per recipient rather than per
    // client address, since many users share an address behind a NAT or proxy.
    await this.auth.limit({ recipientId }, response);
    return true;
  }
}
