import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JSON_BODY_LIMIT } from '../http/json-body';

/** Where form bodies are read: the providers' callbacks (Twilio posts forms). */
export const PROVIDERS_PATH = '/v1/providers/';

/**
 * `application/x-www-form-urlencoded` bodies, parsed as URLSearchParams (names may repeat, order kept: Twilio's
 * signature covers every parameter) under PROVIDERS_PATH only. Elsewhere such a body stays undefined without
 * being parsed, as before, so no other route starts accepting forms (a cross-site form can post those).
 */
export function registerProviderFormBody(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT },
    (request, body, done) => {
      // The router matches paths in any case; so does this.
      const forProviders = request.url.toLowerCase().startsWith(PROVIDERS_PATH);
      done(null, forProviders ? new URLSearchParams(body as string) : undefined);
    },
  );
}

/** A provider route's form, or no fields when the body was not one (a JSON body, say). */
export function formOf(body: unknown): URLSearchParams {
  return body instanceof URLSearchParams ? body : new URLSearchParams();
}
