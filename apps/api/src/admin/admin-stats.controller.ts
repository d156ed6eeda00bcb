import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HistoryStats, NotificationHistoryService } from '@herald/notifications';
import { RequireScopes } from '../auth/scopes.decorator';
import { HistoryStatsDto } from '../dto/notification-responses.dto';
import { ApiKeyProtected } from '../http/openapi.decorators';

@ApiTags('admin')
@ApiKeyProtected()
@RequireScopes('admin')
@Controller('v1/admin/stats')
export class AdminStatsController {
  constructor(private readonly history: NotificationHistoryService) {}

  /** Notifications by status, deliveries by channel and status, and each channel queue's job counts. */
  @Get()
  @ApiOkResponse({ type: HistoryStatsDto })
  stats(): Promise<HistoryStats> {
    return this.history.stats();
  }
}
