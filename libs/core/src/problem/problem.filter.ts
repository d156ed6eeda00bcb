import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { HeraldError } from '../core.errors';
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
  // Errors from body-parser carry their HTTP status (400 malformed JSON, 413 too large, 415 charset).
  if (error instanceof Error && 'status' in error && typeof error.status === 'number' && error.status < 500) {
    const status = error.status;
    return { problem: problem(HTTP_CODES[status] ?? `http-${status}`, status, 'Bad request', error.message) };
  }
  logger?.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { problem: problem('internal-error', 500, 'Internal server error') };
}

export function sendProblem(res: Response, converted: { problem: Problem; headers?: Record<string, string> }): void {
  res.status(converted.problem.status);
  for (const [name, value] of Object.entries(converted.headers ?? {})) res.setHeader(name, value);
  res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(converted.problem));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      this.logger.error(error instanceof Error ? error.stack : String(error));
      return;
    }
    sendProblem(res, toProblem(error, this.logger));
  }
}
