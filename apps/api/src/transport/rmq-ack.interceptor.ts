import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { rmqContextOf, settleRmqMessage } from './rmq-settlement';

/**
 * Acks a RabbitMQ message once its handler has returned, that is once its notification is committed (the
 * accept flow commits before it returns). Errors, including those thrown before this runs (the token
 * guard), are settled by the transport's problem filters.
 */
@Injectable()
export class RmqAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger('MicroserviceTransport');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rmq = rmqContextOf(context);
    if (!rmq) return next.handle();
    return next.handle().pipe(tap({ complete: () => settleRmqMessage(rmq, undefined, this.logger) }));
  }
}
