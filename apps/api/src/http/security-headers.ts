import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';

/**
 * Helmet's defaults (nosniff, frame-ancestors 'self', a same-origin CSP, HSTS, ...), built once. Swagger UI at
 * /docs needs nothing more: its scripts are files of /docs and its only inline code is a <style>, which the
 * default style-src allows. upgrade-insecure-requests is left out: behind no TLS (a local run) it would send
 * the browser to an https:// that does not answer; TLS in front is the operator's, with HSTS from here.
 *
 * Helmet itself rather than @fastify/helmet: the plugin builds a new helmet middleware on every request (about
 * 20 µs here, a tenth of a trivial route's budget), and its hook cannot serve the router's own refusals.
 */
export const securityHeaders = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });

/** The headers on every answer: set on the raw response first thing, so 404s, 413s and streams carry them. */
export function registerSecurityHeaders(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
}
