import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { BatchAnswer, BatchNotificationsDto, NotificationBatchService } from '@herald/notifications';
import { Caller, RequireScopes } from '../auth/scopes.decorator';
import type { ApiCaller } from '@herald/auth';
import { BatchAnswerDto } from '../dto/notification-responses.dto';
import { ApiKeyProtected, ApiProblems, BODY_PROBLEMS } from '../http/openapi.decorators';

@ApiTags('notifications')
@ApiKeyProtected()
@Controller('v1/notifications')
export class NotificationsBatchController {
  constructor(private readonly batch: NotificationBatchService) {}

  /** Up to 1000 sends in one request; each item answers on its own, in order (202 even when some are refused). */
  @Post('batch')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: BatchAnswerDto })
  @ApiProblems(...BODY_PROBLEMS)
  @RequireScopes('send')
  send(@Body() body: BatchNotificationsDto, @Caller() caller: ApiCaller): Promise<BatchAnswer> {
    return this.batch.acceptAll(body.notifications, caller);
  }
}
