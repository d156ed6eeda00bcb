import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HistoryStats, NotificationHistoryService } from '@herald/notifications';
import { RequireScopes } from '../auth/scopes.decorator';

@ApiTags('admin')
@RequireScopes('admin')
@Controller('v1/admin/stats')
export class AdminStatsController {
  constructor(private readonly history: NotificationHistoryService) {}

  /** Notifications by status, deliveries by channel and status, and each channel queue's job counts. */
  @Get()
  stats(): Promise<HistoryStats> {
    return this.history.stats();
  }
}
