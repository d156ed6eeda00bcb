import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { NotificationHistoryItem, NotificationHistoryService, Page } from '@herald/notifications';
import { RequireScopes } from '../auth/scopes.decorator';
import { NotificationHistoryQuery } from '../dto/history-query.dto';

@ApiTags('admin')
@RequireScopes('admin')
@Controller('v1/admin/notifications')
export class AdminNotificationsController {
  constructor(private readonly history: NotificationHistoryService) {}

  /** Newest first. Deliveries come without attempt log and rendered content: GET /v1/notifications/{id} has them. */
  @Get()
  list(@Query() query: NotificationHistoryQuery): Promise<Page<NotificationHistoryItem>> {
    return this.history.listNotifications(query.toFilter());
  }
}
