import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { HeraldPatterns } from '@herald/client';
import {
  AcceptedNotification,
  BatchAnswer,
  BatchNotificationsDto,
  NotificationAcceptService,
  NotificationBatchService,
  SendCaller,
  SendNotificationDto,
} from '@herald/notifications';
import { Public } from '../auth/scopes.decorator';
import { TransportCaller } from './transport-caller.decorator';
import { TransportEventProblemFilter, TransportProblemFilter } from './transport-problem.filter';
import { TransportTokenGuard } from './transport-token.guard';

/**
 * Herald as a Nest microservice (API.md §8): the same DTOs, services and global
 * validation pipe as the REST endpoints (the transports inherit the app's
 * global enhancers). Public to the API-key guard: the transport authenticates
 * with MICROSERVICE_TOKEN instead.
 *
 * Transport messages carry no API key: their idempotency keys live in a space of their own, shared by all
 * transports, and the notifications they create (`api_key_id` = `transport`) are no `send` key's own, so only
 * `read` and `admin` keys reach them (libs/notifications/src/access/notification-access.ts).
 */
@Public()
@Controller()
@UseGuards(TransportTokenGuard)
@UseFilters(TransportProblemFilter)
export class NotificationsTransportController {
  constructor(
    private readonly accept: NotificationAcceptService,
    private readonly batch: NotificationBatchService,
  ) {}

  @MessagePattern(HeraldPatterns.send)
  async send(
    @Payload() body: SendNotificationDto,
    @TransportCaller() caller: SendCaller,
  ): Promise<AcceptedNotification> {
    return (await this.accept.accept(body, caller)).body;
  }

  @MessagePattern(HeraldPatterns.batch)
  sendBatch(@Payload() body: BatchNotificationsDto, @TransportCaller() caller: SendCaller): Promise<BatchAnswer> {
    return this.batch.acceptAll(body.notifications, caller);
  }

  @EventPattern(HeraldPatterns.emit)
  @UseFilters(TransportEventProblemFilter)
  // EventPattern types a handler's parameters after the payload as unknown; TransportCaller gives a SendCaller.
  async emit(@Payload() body: SendNotificationDto, @TransportCaller() caller: unknown): Promise<void> {
    await this.accept.accept(body, caller as SendCaller);
  }
}
