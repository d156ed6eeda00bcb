import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, ProblemFilter, sendProblem, toProblem } from '@herald/core';
import express, { NextFunction, Request, Response } from 'express';

/**
 * Everything HTTP that is not a route: JSON bodies up to 1 MiB (413 past it),
 * problem documents for every error including body-parser's, validation of
 * every DTO, and the OpenAPI document.
 */
export function configureHttp(app: INestApplication): void {
  const server = app as NestExpressApplication;
  server.disable('x-powered-by');
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
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
