import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Page, SuppressionService, SuppressionView } from '@herald/notifications';
import { RequireScopes } from '../auth/scopes.decorator';
import { SuppressionQuery, SuppressionViewDto } from '../dto/suppression.dto';
import { uuidIdPipe } from '../http/uuid-id.pipe';
import { ApiKeyProtected, ApiProblems, PageOf } from '../http/openapi.decorators';

@ApiTags('admin')
@ApiKeyProtected()
@RequireScopes('admin')
@Controller('v1/admin/suppressions')
export class AdminSuppressionsController {
  constructor(private readonly suppressions: SuppressionService) {}

  /** The suppression list, newest first; `address` and `reason` filter it. */
  @Get()
  @ApiOkResponse({ type: PageOf(SuppressionViewDto) })
  @ApiProblems(422)
  list(@Query() query: SuppressionQuery): Promise<Page<SuppressionView>> {
    return this.suppressions.list(query.toFilter());
  }

  /** Lifts a suppression: the address is sent to again from its next delivery on. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Lifted' })
  @ApiProblems(404)
  async remove(@Param('id', uuidIdPipe) id: string): Promise<void> {
    await this.suppressions.remove(id);
  }
}
