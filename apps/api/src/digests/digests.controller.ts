import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ApiCaller } from '@herald/auth';
import { DigestService, DigestView } from '@herald/notifications';
import { Caller, RequireScopes } from '../auth/scopes.decorator';
import { DigestViewDto } from '../dto/digest-responses.dto';
import { ApiKeyProtected, ApiProblems } from '../http/openapi.decorators';
import { uuidIdPipe } from '../http/uuid-id.pipe';

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
}
