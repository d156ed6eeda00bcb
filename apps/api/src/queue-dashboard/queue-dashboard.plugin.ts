import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthService, ForbiddenError, UnauthorizedError } from '@herald/auth';
import {
  CHANNELS,
  DeliveryQueue,
  NotFoundError,
  ORCHESTRATION_QUEUES,
  OrchestrationQueues,
  ProblemFilter,
} from '@herald/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QUEUE_DASHBOARD_PATH } from './queue-dashboard.path';
import { bearerKey, dashboardKey, setSessionCookie } from './queue-dashboard.session';
import { signInPage } from './queue-dashboard.sign-in-page';

/** The sign-in form's body is a few dozen bytes; past this it is a 413. */
const FORM_LIMIT_BYTES = 4096;

/** A browser navigating (rather than a script calling the dashboard's API) is answered with pages, not problems. */
const navigating = (request: FastifyRequest) =>
  request.method === 'GET' && /\btext\/html\b/i.test(request.headers.accept ?? '');

const refusal = (error: unknown): error is UnauthorizedError | ForbiddenError =>
  error instanceof UnauthorizedError || error instanceof ForbiddenError;

/**
 * bull-board over the queues this process produces to (the channel queues, `broadcast`, `digest-close`), on
 * whichever backend they run (BullMQ's adapter
 * works on Redis and on the PostgreSQL backend alike: it reads through the same Queue API). Read-only: the rows in
 * PostgreSQL are the truth, so a retry goes through `POST /v1/admin/deliveries/{id}/retry`, and a job removed or
 * added by hand here would only be undone or ignored by the reconciler and the claim.
 */
function dashboard(channelQueues: DeliveryQueue, orchestrationQueues: OrchestrationQueues) {
  const adapter = new BullBoardFastifyAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  const board = createBullBoard({
    queues: [],
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Herald queues' } },
  });
  let opened = false;
  return {
    plugin: adapter.registerPlugin(),
    /**
     * The queues join the board at its first admitted request, not at start: an api that nobody
     * watches through the dashboard keeps opening only the queues it sends to (on the PostgreSQL backend each
     * queue is a connection pool of its own).
     */
    open: (): void => {
      if (opened) return;
      opened = true;
      const queues = [
        ...CHANNELS.map((channel) => channelQueues.queue(channel)),
        ...ORCHESTRATION_QUEUES.map((name) => orchestrationQueues.queue(name)),
      ];
      for (const queue of queues) board.addQueue(new BullMQAdapter(queue, { readOnlyMode: true }));
    },
  };
}

/**
 * The queue dashboard (bull-board) at /admin/queues, for `admin` keys: a Fastify plugin beside Nest's routes, out
 * of the OpenAPI document and of the API-key guard (which reads only `Authorization`; a browser navigating cannot
 * send one). Its own scope takes the key from the Bearer header or from the session cookie that
 * `POST /admin/queues/session` sets, and authenticates it as the guard does (AuthService: unknown or revoked keys
 * 401, other scopes 403, rate-limited), on every request, in an `onRequest` hook; only that scope parses forms.
 */
export function registerQueueDashboard(app: NestFastifyApplication): void {
  const auth = app.get(AuthService, { strict: false });
  const channelQueues = app.get(DeliveryQueue, { strict: false });
  const orchestrationQueues = app.get(OrchestrationQueues, { strict: false });
  const problems = new ProblemFilter(app.getHttpAdapter());

  /** Authenticates `key` as an admin's; answers the refusal itself and says false when it is one. */
  const admitted = async (
    key: string | undefined,
    reply: FastifyReply,
    page: (error: UnauthorizedError | ForbiddenError) => string | undefined,
  ): Promise<boolean> => {
    try {
      await auth.authenticate(key && `Bearer ${key}`, ['admin'], reply);
      return true;
    } catch (error) {
      const html = refusal(error) ? page(error) : undefined;
      if (html === undefined) problems.send(reply, error);
      else
        await reply
          .status((error as UnauthorizedError).status)
          .type('text/html; charset=utf-8')
          .send(html);
      return false;
    }
  };

  void app.register(
    async (scope: FastifyInstance) => {
      // This scope's own form parser replaces the one inherited from the root (the providers' callbacks').
      scope.removeContentTypeParser('application/x-www-form-urlencoded');
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES },
        (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
      );

      /** Trades an admin key (Bearer header, or the sign-in form's `key`) for the session cookie. */
      scope.post('/session', async (request, reply) => {
        const bearer = bearerKey(request);
        const form = (request.body as { key?: unknown } | undefined)?.key;
        const key = bearer ?? ((typeof form === 'string' && form.trim()) || undefined);
        if (!(await admitted(key, reply, (error) => (bearer ? undefined : signInPage(error.detail))))) return reply;
        setSessionCookie(reply, key!);
        return bearer ? reply.status(204).send() : reply.redirect(QUEUE_DASHBOARD_PATH, 303);
      });

      // The page, its static files and its read-only API: bull-board's routes, behind the hook.
      const { plugin, open } = dashboard(channelQueues, orchestrationQueues);
      await scope.register(async (board: FastifyInstance) => {
        board.addHook('onRequest', async (request, reply) => {
          const key = dashboardKey(request);
          // A hook that has answered returns the reply, so Fastify goes no further.
          if (
            !(await admitted(key, reply, (error) =>
              navigating(request) ? signInPage(key && error.detail) : undefined,
            ))
          )
            return reply;
          open();
        });
        await board.register(plugin);
        // Every other path under the dashboard is its 404, after the same hook, not the console's page.
        board.get('/*', (request, reply) => problems.send(reply, new NotFoundError('Dashboard path', request.url)));
      });
    },
    { prefix: QUEUE_DASHBOARD_PATH },
  );
}
