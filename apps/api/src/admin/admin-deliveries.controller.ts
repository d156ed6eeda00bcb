import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DeliveryHistoryItem, DeliveryRetryService, NotificationHistoryService, Page } from '@herald/notifications';
import { RequireScopes } from '../auth/scopes.decorator';
import { uuidIdPipe } from '../http/uuid-id.pipe';
import { DeliveryHistoryQuery } from '../dto/history-query.dto';
import { DeliveryHistoryItemDto } from '../dto/notification-responses.dto';
import { ApiKeyProtected, ApiProblems, PageOf } from '../http/openapi.decorators';

@ApiTags('admin')
@ApiKeyProtected()
@RequireScopes('admin')
@Controller('v1/admin/deliveries')
export class AdminDeliveriesController {
  constructor(
    private readonly history: NotificationHistoryService,
    private readonly retries: DeliveryRetryService,
  ) {}

  /** Newest first, each with its notification id. */
  @Get()
  @ApiOkResponse({ type: PageOf(DeliveryHistoryItemDto) })
  @ApiProblems(422)
  list(@Query() query: DeliveryHistoryQuery): Promise<Page<DeliveryHistoryItem>> {
    return this.history.listDeliveries(query.toFilter());
  }

  /** A `failed` delivery goes back to `queued` and to its queue; any other status is 409. */
  @Post(':id/retry')
  @HttpCode(200)
  @ApiOkResponse({ type: DeliveryHistoryItemDto, description: 'The delivery, queued again' })
  @ApiProblems(404, 409)
  retry(@Param('id', uuidIdPipe) id: string): Promise<DeliveryHistoryItem> {
    return this.retries.retry(id);
  }
}
