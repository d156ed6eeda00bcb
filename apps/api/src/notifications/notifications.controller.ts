import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ValidationError } from '@herald/core';
import {
  AcceptedBroadcast,
  AcceptedNotification,
  BroadcastAcceptService,
  DigestedSend,
  NotificationAcceptService,
  NotificationCancelService,
  NotificationQueryService,
  NotificationView,
  SendNotificationDto,
} from '@herald/notifications';
import type { FastifyReply } from 'fastify';
import { Caller, RequireScopes } from '../auth/scopes.decorator';
import type { ApiCaller } from '@herald/auth';
import { DigestedSendDto } from '../dto/digest-responses.dto';
import { AcceptedNotificationDto, NotificationViewDto } from '../dto/notification-responses.dto';
import { AcceptedBroadcastDto } from '../dto/topic-responses.dto';
import { ApiKeyProtected, ApiProblems, BODY_PROBLEMS } from '../http/openapi.decorators';
import { uuidIdPipe } from '../http/uuid-id.pipe';

@ApiTags('notifications')
@ApiKeyProtected()
@Controller('v1/notifications')
export class NotificationsController {
  constructor(
    private readonly accept: NotificationAcceptService,
    private readonly query: NotificationQueryService,
    private readonly cancellation: NotificationCancelService,
    private readonly broadcasts: BroadcastAcceptService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiExtraModels(AcceptedNotificationDto, AcceptedBroadcastDto, DigestedSendDto)
  @ApiAcceptedResponse({
    description:
      'The notification; for `to: { topic }`, the broadcast that fans out to its subscribers; for a digest ' +
      'template and a stored recipient, the digest it joined',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(AcceptedNotificationDto) },
        { $ref: getSchemaPath(AcceptedBroadcastDto) },
        { $ref: getSchemaPath(DigestedSendDto) },
      ],
    },
  })
  @ApiProblems(...BODY_PROBLEMS, 409)
  @RequireScopes('send')
  async send(
    @Body() body: SendNotificationDto,
    @Caller() caller: ApiCaller,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<AcceptedNotification | AcceptedBroadcast | DigestedSend> {
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 255)) {
      throw new ValidationError([{ path: 'Idempotency-Key', message: 'must be 1 to 255 characters' }]);
    }
    // A topic is a broadcast (API.md §9): its own flow, which fans out in the worker.
    const flow = body.to.topic !== undefined ? this.broadcasts : this.accept;
    const result = await flow.accept(body, caller, idempotencyKey ?? body.idempotencyKey);
    if (result.replayed) res.header('Idempotent-Replayed', 'true');
    return result.body;
  }

  /** `read` reads any notification, `send` only those its own key created (others answer 404), `admin` any. */
  @Get(':id')
  @ApiOkResponse({ type: NotificationViewDto })
  @ApiProblems(404)
  @RequireScopes('read', 'send')
  get(@Param('id', uuidIdPipe) id: string, @Caller() caller: ApiCaller): Promise<NotificationView> {
    return this.query.get(id, caller);
  }

  /**
   * Cancels the deliveries not yet started; those sending or done stay as they are. Answers the notification.
   * `send` cancels the notifications its own key created, `admin` any (API.md §3).
   */
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationViewDto, description: 'The notification, as the cancellation left it' })
  @ApiProblems(404)
  @RequireScopes('send')
  cancel(@Param('id', uuidIdPipe) id: string, @Caller() caller: ApiCaller): Promise<NotificationView> {
    return this.cancellation.cancel(id, caller);
  }
}
