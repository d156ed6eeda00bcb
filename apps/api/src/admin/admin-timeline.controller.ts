import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DeliveryTimeline, NotificationHistoryService } from '@herald/notifications';
import { RequireScopes } from '../auth/scopes.decorator';
import { DeliveryTimelineDto } from '../dto/notification-responses.dto';
import { DeliveryTimelineQuery } from '../dto/timeline-query.dto';
import { ApiKeyProtected, ApiProblems } from '../http/openapi.decorators';

const DEFAULT_MINUTES = 60;

@ApiTags('admin')
@ApiKeyProtected()
@RequireScopes('admin')
@Controller('v1/admin/stats/deliveries-per-minute')
export class AdminTimelineController {
  constructor(private readonly history: NotificationHistoryService) {}

  /** Deliveries created in each of the last `minutes` minutes, by their status now (the console's chart). */
  @Get()
  @ApiOkResponse({ type: DeliveryTimelineDto })
  @ApiProblems(422)
  timeline(@Query() query: DeliveryTimelineQuery): Promise<DeliveryTimeline> {
    return this.history.deliveriesPerMinute(query.minutes ?? DEFAULT_MINUTES);
  }
}
