import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotificationHistoryItem, NotificationHistoryService, Page } from '@herald/notifications';
import { RequireScopes } from '../auth/scopes.decorator';
import { NotificationHistoryQuery } from '../dto/history-query.dto';
import { NotificationHistoryItemDto } from '../dto/notification-responses.dto';
import { ApiKeyProtected, ApiProblems, PageOf } from '../http/openapi.decorators';

@ApiTags('admin')
@ApiKeyProtected()
@RequireScopes('admin')
@Controller('v1/admin/notifications')
export class AdminNotificationsController {
  constructor(private readonly history: NotificationHistoryService) {}

  /** Newest first. Deliveries come without attempt log and rendered content: GET /v1/notifications/{id} has them. */
  @Get()
  @ApiOkResponse({ type: PageOf(NotificationHistoryItemDto) })
  @ApiProblems(422)
  list(@Query() query: NotificationHistoryQuery): Promise<Page<NotificationHistoryItem>> {
    return this.history.listNotifications(query.toFilter());
  }
}
