import { Controller, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { HeraldPatterns } from '@herald/client';
import {
  AcceptedNotification,
  DigestedSend,
  BatchAnswer,
  BatchNotificationsDto,
  IdempotencyKeyInFlightError,
  NotificationAcceptService,
  NotificationBatchService,
  SendCaller,
  SendNotificationDto,
} from '@herald/notifications';
import { Public } from '../auth/scopes.decorator';
import { RmqAckInterceptor } from './rmq-ack.interceptor';
import { holdsKeyInFlight, messageKey, withItemKeys } from './message-keys';
import { TransportCaller } from './transport-caller.decorator';
import { TransportEventProblemFilter, TransportProblemFilter } from './transport-problem.filter';
import { TransportTokenGuard } from './transport-token.guard';

/**
 * Herald as a Nest microservice (API.md §8): the same DTOs, services and global
 * validation pipe as the REST endpoints (the transports inherit the app's
 * global enhancers). Public to the API-key guard: the transport authenticates
 * with MICROSERVICE_TOKEN instead. Over RabbitMQ a message is acked after its
 * notification is committed (RmqAckInterceptor, the filters).
 *
 * Transport messages carry no API key: their idempotency keys live in a space of their own, shared by all
 * transports, and the notifications they create (`api_key_id` = `transport`) are no `send` key's own, so only
 * `read` and `admin` keys reach them (libs/notifications/src/access/notification-access.ts).
 */
@Public()
@Controller()
@UseGuards(TransportTokenGuard)
@UseFilters(TransportProblemFilter)
@UseInterceptors(RmqAckInterceptor)
export class NotificationsTransportController {
  constructor(
    private readonly accept: NotificationAcceptService,
    private readonly batch: NotificationBatchService,
  ) {}

  @MessagePattern(HeraldPatterns.send)
  async send(
    @Payload() body: SendNotificationDto,
    @Ctx() context: unknown,
    @TransportCaller() caller: SendCaller,
  ): Promise<AcceptedNotification | DigestedSend> {
    return (await this.accept.accept(body, caller, body.idempotencyKey ?? messageKey(context))).body;
  }

  @MessagePattern(HeraldPatterns.batch)
  async sendBatch(
    @Payload() body: BatchNotificationsDto,
    @Ctx() context: unknown,
    @TransportCaller() caller: SendCaller,
  ): Promise<BatchAnswer> {
    const key = messageKey(context);
    const answer = await this.batch.acceptAll(withItemKeys(body.notifications, key), caller);
    // A redelivered batch whose items are still held by the crashed attempt goes back to the queue whole:
    // answering now would drop those items. Its next delivery replays the items already committed.
    if (key !== undefined && holdsKeyInFlight(answer)) throw new IdempotencyKeyInFlightError();
    return answer;
  }

  @EventPattern(HeraldPatterns.emit)
  @UseFilters(TransportEventProblemFilter)
  // EventPattern types a handler's parameters after the payload as unknown; TransportCaller gives a SendCaller.
  async emit(
    @Payload() body: SendNotificationDto,
    @Ctx() context: unknown,
    @TransportCaller() caller: unknown,
  ): Promise<void> {
    await this.accept.accept(body, caller as SendCaller, body.idempotencyKey ?? messageKey(context));
  }
}
