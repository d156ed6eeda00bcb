import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, ProblemFilter, sendProblem, toProblem } from '@herald/core';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { BEARER_SCHEME, RECIPIENT_TOKEN_QUERY_SCHEME, RECIPIENT_TOKEN_SCHEME } from './openapi.decorators';

/**
 * Everything HTTP that is not a route: security headers, JSON bodies up to 1 MiB
 * (413 past it), problem documents for every error including body-parser's,
 * validation of every DTO, and the OpenAPI document.
 */
export function configureHttp(app: INestApplication): void {
  const server = app as NestExpressApplication;
  server.disable('x-powered-by');
  // Helmet's defaults on every answer (nosniff, frame-ancestors 'none', a same-origin CSP, HSTS, ...). Swagger UI
  // at /docs needs nothing more: its scripts are files of /docs and its only inline code is a <style>, which the
  // default style-src allows. upgrade-insecure-requests is left out: behind no TLS (a local run) it would send
  // the browser to an https:// that does not answer; TLS in front is the operator's, with HSTS from here.
  server.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  server.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  server.use((error: Error, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    sendProblem(res, toProblem(error));
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
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
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
