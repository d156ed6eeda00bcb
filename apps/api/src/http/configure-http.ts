import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, ProblemFilter } from '@herald/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { JSON_BODY_LIMIT, registerJsonBody } from './json-body';
import { registerProviderFormBody } from '../providers/form-body';
import { SENDGRID_SIGNATURE_SCHEME, TWILIO_SIGNATURE_SCHEME } from '../providers/provider-openapi';
import { registerRequestIdEcho, requestId } from './request-id';
import { BEARER_SCHEME, RECIPIENT_TOKEN_QUERY_SCHEME, RECIPIENT_TOKEN_SCHEME } from './openapi.decorators';
import { registerSecurityHeaders, securityHeaders } from './security-headers';

/**
 * Fastify, routing as Express did: paths match in any case and with or without a trailing slash, and a path
 * parameter may be as long as the URL (Fastify's default stops at 100 characters, with a 414 rather than the
 * validation's 422). The router refuses a malformed URL (400) before any hook or Nest sees the request: that
 * answer gets its security headers and problem document here.
 */
export function createHttpAdapter(): FastifyAdapter {
  const adapter: FastifyAdapter = new FastifyAdapter({
    bodyLimit: JSON_BODY_LIMIT,
    genReqId: requestId,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 64 * 1024 },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      securityHeaders(request.raw, reply.raw, () => undefined);
      problems.send(reply, error);
    },
  });
  const problems = new ProblemFilter(adapter);
  return adapter;
}

/**
 * Everything HTTP that is not a route: security headers, JSON bodies up to 1 MiB
 * (413 past it), problem documents for every error including the body parser's
 * and the router's, validation of every DTO, and the OpenAPI document.
 */
export function configureHttp(app: NestFastifyApplication): void {
  // Fastify sends no X-Powered-By.
  registerSecurityHeaders(app);
  registerRequestIdEcho(app);
  registerJsonBody(app);
  registerProviderFormBody(app);
  app.useGlobalPipes(createValidationPipe());
  // Also Fastify's error handler (Nest installs it): body refusals and router errors reach the same filter.
  app.useGlobalFilters(new ProblemFilter(app.getHttpAdapter()));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Herald')
      .setDescription('Self-hosted notifications: email, SMS, push, webhooks and in-app inbox.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (hk_...)' }, BEARER_SCHEME)
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'X-Recipient-Token',
          description: 'Inbox routes: base64url HMAC-SHA256(INBOX_SECRET, recipient id), instead of an API key',
        },
        RECIPIENT_TOKEN_SCHEME,
      )
      .addApiKey(
        {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'The inbox stream: the recipient token, for EventSource',
        },
        RECIPIENT_TOKEN_QUERY_SCHEME,
      )
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'X-Twilio-Signature',
          description:
            "Twilio's webhooks: HMAC-SHA1 of PUBLIC_URL + path + the sorted form, keyed with TWILIO_AUTH_TOKEN",
        },
        TWILIO_SIGNATURE_SCHEME,
      )
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: 'X-Twilio-Email-Event-Webhook-Signature',
          description:
            "SendGrid's Event Webhook: ECDSA P-256 over X-Twilio-Email-Event-Webhook-Timestamp + the body, verified with SENDGRID_WEBHOOK_PUBLIC_KEY",
        },
        SENDGRID_SIGNATURE_SCHEME,
      )
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
