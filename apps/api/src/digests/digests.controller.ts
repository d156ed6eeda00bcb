import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ApiCaller } from '@herald/auth';
import { DigestEventsQuery, DigestEventView, DigestService, DigestView, Page } from '@herald/notifications';
import { Caller, RequireScopes } from '../auth/scopes.decorator';
import { DigestEventDto, DigestViewDto } from '../dto/digest-responses.dto';
import { ApiKeyProtected, ApiProblems, PageOf } from '../http/openapi.decorators';
import { uuidIdPipe } from '../http/uuid-id.pipe';

const DEFAULT_LIMIT = 50;

@ApiTags('notifications')
@ApiKeyProtected()
@Controller('v1/digests')
export class DigestsController {
  constructor(private readonly digests: DigestService) {}

  /**
   * What a digested send joined: its count so far, when it closes, and once closed the notification it became.
   * `read` and `admin` read any digest, `send` those its key sent to (others answer 404).
   */
  @Get(':id')
  @ApiOkResponse({ type: DigestViewDto })
  @ApiProblems(404)
  @RequireScopes('read', 'send')
  get(@Param('id', uuidIdPipe) id: string, @Caller() caller: ApiCaller): Promise<DigestView> {
    return this.digests.get(id, caller);
  }

  /** The sends the digest took, oldest first (the order its notification lists them in); who reads it, reads them. */
  @Get(':id/events')
  @ApiOkResponse({ type: PageOf(DigestEventDto) })
  @ApiProblems(404, 422)
  @RequireScopes('read', 'send')
  events(
    @Param('id', uuidIdPipe) id: string,
    @Query() query: DigestEventsQuery,
    @Caller() caller: ApiCaller,
  ): Promise<Page<DigestEventView>> {
    return this.digests.events(id, caller, query.limit ?? DEFAULT_LIMIT, query.cursor);
  }
}
