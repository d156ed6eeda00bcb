import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MetricsService } from '@herald/core';

/**
 * Requests that matched no route of Herald's share one label: 404s (Fastify
 * answers them from its not-found handler), URLs the router refused, static
 * docs assets.
 */
export const UNMATCHED_ROUTE = 'unmatched';

/** A route's pattern for the label; a wildcard matches any URL, so it says no more than "unmatched". */
function routeLabel(pattern: string | undefined): string {
  return pattern !== undefined && !pattern.includes('*') ? pattern : UNMATCHED_ROUTE;
}

/**
 * Times every HTTP request from the server's own `request` event to the end of
 * its response, so 401s from the guard, 413s from the body parser and 404s are
 * measured too (an interceptor sees only requests that reach a handler). The
 * route label is the pattern Fastify matched (`/v1/notifications/:id`), never
 * the raw URL, which would make one series per id.
 */
@Injectable()
export class HttpMetricsListener implements OnModuleInit {
  /** The matched pattern of each request in flight, set by Fastify's first hook once it has routed. */
  private readonly patterns = new WeakMap<IncomingMessage, string | undefined>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
  ) {}

  /** Before the app starts: Fastify takes hooks only until it is ready. */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (request, _reply, done) => {
      // Fastify's not-found handler has a route of its own, flagged so: no pattern of Herald's.
      if (!request.is404) this.patterns.set(request.raw, request.routeOptions.url);
      done();
    });
    const server = adapter.getHttpServer() as Server;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.metrics.observeHttp(req.method ?? 'UNKNOWN', routeLabel(this.patterns.get(req)), res.statusCode, seconds);
      });
    });
  }
}
