import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpServer, Logger } from '@nestjs/common';
import { DatabaseUnavailableError, HeraldError } from '../core.errors';
import { isDatabaseUnreachable } from '../database/database-availability';
import { Problem, PROBLEM_CONTENT_TYPE, problem } from './problem';

const HTTP_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'validation-error',
  429: 'rate-limited',
};

/** Converts anything thrown while serving a request into one problem document. */
export function toProblem(error: unknown, logger?: Logger): { problem: Problem; headers?: Record<string, string> } {
  // An outage, not a fault of Herald's or the client's: 503 with Retry-After, whichever route met it.
  if (isDatabaseUnreachable(error)) error = new DatabaseUnavailableError();
  if (error instanceof HeraldError) {
    return {
      problem: problem(error.code, error.status, error.title, error.detail, error.errors),
      headers: error.headers,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const message =
      typeof body === 'string'
        ? body
        : typeof body === 'object' && body && 'message' in body
          ? body.message
          : undefined;
    const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : undefined;
    return {
      problem: problem(HTTP_CODES[status] ?? `http-${status}`, status, error.name.replace(/Exception$/, ''), detail),
    };
  }
  // Refusals of the body parser (400 malformed JSON, 413 too large, 415 charset: `status`) and of Fastify
  // itself (400 malformed URL, 413 past the reader's limit: `statusCode`) carry their HTTP status.
  const status = errorStatus(error);
  if (error instanceof Error && status !== undefined && status >= 400 && status < 500) {
    return { problem: problem(HTTP_CODES[status] ?? `http-${status}`, status, 'Bad request', error.message) };
  }
  logger?.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { problem: problem('internal-error', 500, 'Internal server error') };
}

function errorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  return typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
}

/**
 * The one HTTP answer of every error, through the app's HTTP adapter (whatever its response objects are):
 * the problem's status, its headers, and the document as `application/problem+json`.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  constructor(private readonly http: HttpServer) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    this.send(host.switchToHttp().getResponse(), error);
  }

  /** Answers `error` on `response` (also for errors raised before Nest has the request, see configureHttp). */
  send(response: unknown, error: unknown): void {
    if (this.http.isHeadersSent(response)) {
      this.logger.error(error instanceof Error ? error.stack : String(error));
      return;
    }
    const converted = toProblem(error, this.logger);
    for (const [name, value] of Object.entries(converted.headers ?? {})) this.http.setHeader(response, name, value);
    this.http.setHeader(response, 'Content-Type', PROBLEM_CONTENT_TYPE);
    this.http.reply(response, JSON.stringify(converted.problem), converted.problem.status);
  }
}
