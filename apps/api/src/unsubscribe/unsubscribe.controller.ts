import { Controller, createParamDecorator, ExecutionContext, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { UnsubscribeService } from '@herald/recipients';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/scopes.decorator';
import { ApiProblems } from '../http/openapi.decorators';
import { confirmationPage, unsubscribedPage } from './unsubscribe-pages';

const TOKEN = {
  name: 'token',
  description: 'The signed token of the List-Unsubscribe link; one this installation did not sign is a 404',
};
/**
 * The path's token as sent. A custom parameter, so the global validation pipe's text rule (no NUL, no broken
 * surrogate: 422) does not judge it: its MAC does, and every string Herald did not sign, those included, is
 * malformed alike and answers 404. It is never stored.
 */
const Token = createParamDecorator(
  (_: unknown, context: ExecutionContext): string =>
    context.switchToHttp().getRequest<FastifyRequest<{ Params: { token: string } }>>().params.token ?? '',
);

const HTML = { content: { 'text/html': { schema: { type: 'string' } } } };

/**
 * One-click unsubscribe (API.md §6.1, RFC 8058). The token is the credential: no API key, so no key's rate limit,
 * and nothing to forge a request with (no cookie, no ambient authority: CSRF has nothing to ride on).
 */
@ApiTags('unsubscribe')
@Public()
@Controller('v1/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly unsubscribe: UnsubscribeService) {}

  @Get(':token')
  @ApiOperation({ summary: 'A page asking to confirm; never unsubscribes (mail scanners follow links)' })
  @ApiParam(TOKEN)
  @ApiOkResponse({ description: 'The confirmation page, whose button POSTs to this URL', ...HTML })
  @ApiProblems(404)
  async confirm(@Token() token: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { category } = await this.unsubscribe.describe(token);
    return html(reply, confirmationPage(category));
  }

  @Post(':token')
  @HttpCode(200)
  @ApiOperation({
    summary: "Opts the link's recipient out of its category for email (idempotent)",
    description:
      "What a mailbox provider POSTs for one-click unsubscribe: RFC 8058's body `List-Unsubscribe=One-Click` " +
      '(form-urlencoded, multipart or empty); the body is not read. A JSON body is parsed like on every route, so ' +
      "a malformed one meets the parser's 400, 413 or 415.",
  })
  @ApiParam(TOKEN)
  @ApiOkResponse({ description: 'A short page saying it is done (also when it already was)', ...HTML })
  @ApiProblems(400, 404, 413, 415)
  async optOut(@Token() token: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { category } = await this.unsubscribe.unsubscribe(token);
    return html(reply, unsubscribedPage(category));
  }
}

/** Neither page may be cached (by a proxy, or the browser's back button showing a stale state). */
function html(reply: FastifyReply, body: string): string {
  reply.header('Content-Type', 'text/html; charset=utf-8').header('Cache-Control', 'no-store');
  return body;
}
