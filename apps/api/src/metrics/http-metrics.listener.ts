import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MetricsService } from '@herald/core';

/**
 * Requests that matched no route of Herald's share one label: 404s (Nest
 * answers them from a catch-all `{/*splat}` route), bodies refused before
 * routing, static docs assets.
 */
export const UNMATCHED_ROUTE = 'unmatched';

function routeLabel(req: IncomingMessage): string {
  // Express sets `route` on the request once a route matched (its types say `any`).
  const route = (req as IncomingMessage & { route?: { path?: unknown } }).route?.path;
  // A wildcard pattern matches any URL, so it says no more than "unmatched" (and Herald has no wildcard routes).
  return typeof route === 'string' && !route.includes('*') ? route : UNMATCHED_ROUTE;
}

/**
 * Times every HTTP request from the server's own `request` event to the end of
 * its response, so 401s from the guard, 413s from the body parser and 404s are
 * measured too (an interceptor sees only requests that reach a handler). The
 * route label is Express's matched pattern (`/v1/notifications/:id`), never the
 * raw URL, which would make one series per id.
 */
@Injectable()
export class HttpMetricsListener implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    server?.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.metrics.observeHttp(req.method ?? 'UNKNOWN', routeLabel(req), res.statusCode, seconds);
      });
    });
  }
}
