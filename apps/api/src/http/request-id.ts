import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** An incoming id Herald adopts: one header value of 1-128 letters, digits and `._:-` (no spaces, quotes or line breaks to forge log lines with). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: the caller's `X-Request-Id` when it is sane, so one id follows a request through a
 * gateway and Herald, else a new UUID. pino-http logs the raw request's id, which Fastify sets from this, as
 * `reqId` on every line of the request.
 */
export function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Echoes the request id in every answer's `X-Request-Id`, so a caller can quote it. */
export function registerRequestIdEcho(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      reply.header('X-Request-Id', request.id);
      done();
    });
}
