import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Problem, toProblem } from '@herald/core';
import { EMPTY, Observable, throwError } from 'rxjs';
import { rmqContextOf, settleRmqMessage } from './rmq-settlement';

/**
 * What a refused message answers: the problem document itself (a Nest client
 * rejects with this plain object), repeated under `message` for clients that
 * read Nest's own `{ status, message }` error shape.
 */
export function transportError(problem: Problem): Problem & { message: Problem } {
  return { ...problem, message: problem };
}

/**
 * Turns anything a message handler throws into a problem answer; unknown errors are logged once and answer 500.
 * Over RabbitMQ the message is acked when refused for good, and requeued (unanswered) when it may pass later.
 */
@Catch()
export class TransportProblemFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('MicroserviceTransport');

  catch(error: unknown, host: ArgumentsHost): Observable<never> {
    const { problem } = toProblem(error, this.logger);
    const rmq = rmqContextOf(host);
    if (rmq) settleRmqMessage(rmq, problem, this.logger);
    return throwError(() => transportError(problem));
  }
}

/** An event has nobody to answer: a refused one is logged, with the reason, and dropped (acked over RabbitMQ). */
@Catch()
export class TransportEventProblemFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('MicroserviceTransport');

  catch(error: unknown, host: ArgumentsHost): Observable<never> {
    const { problem } = toProblem(error, this.logger);
    if (problem.status < 500) {
      const fields = problem.errors?.map((field) => `${field.path}: ${field.message}`).join('; ');
      this.logger.warn(`notifications.emit refused (${problem.status} ${problem.title}): ${fields || problem.detail}`);
    }
    const rmq = rmqContextOf(host);
    if (rmq) settleRmqMessage(rmq, problem, this.logger);
    return EMPTY;
  }
}
