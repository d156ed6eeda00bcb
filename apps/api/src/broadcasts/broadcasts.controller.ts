import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ApiCaller } from '@herald/auth';
import { BroadcastAcceptService, BroadcastView } from '@herald/notifications';
import { Caller, RequireScopes } from '../auth/scopes.decorator';
import { BroadcastViewDto } from '../dto/topic-responses.dto';
import { ApiKeyProtected, ApiProblems } from '../http/openapi.decorators';
import { uuidIdPipe } from '../http/uuid-id.pipe';

/** A send to a topic and its fan-out's progress (API.md §9). */
@ApiTags('notifications')
@ApiKeyProtected()
@Controller('v1/broadcasts')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastAcceptService) {}

  /** `read` reads any broadcast, `send` only those its own key made (others answer 404), `admin` any. */
  @Get(':id')
  @ApiOkResponse({ type: BroadcastViewDto })
  @ApiProblems(404)
  @RequireScopes('read', 'send')
  get(@Param('id', uuidIdPipe) id: string, @Caller() caller: ApiCaller): Promise<BroadcastView> {
    return this.broadcasts.get(id, caller);
  }
}
