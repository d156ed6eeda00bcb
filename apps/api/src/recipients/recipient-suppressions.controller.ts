import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Page, SuppressionService, SuppressionView } from '@herald/notifications';
import { RecipientIdParam } from '@herald/recipients';
import { RequireScopes } from '../auth/scopes.decorator';
import { SuppressionViewDto } from '../dto/suppression.dto';
import { ApiKeyProtected, ApiProblems, PageOf } from '../http/openapi.decorators';

@ApiTags('recipients')
@ApiKeyProtected()
@RequireScopes('recipients', 'read')
@Controller('v1/recipients/:id/suppressions')
export class RecipientSuppressionsController {
  constructor(private readonly suppressions: SuppressionService) {}

  /**
   * The suppressions of the recipient's current email and phone, newest first, on one page (an address has
   * at most one per reason). Lifting one is the admin's `DELETE /v1/admin/suppressions/{id}`.
   */
  @Get()
  @ApiOkResponse({ type: PageOf(SuppressionViewDto) })
  @ApiProblems(404, 422)
  async list(@Param() { id }: RecipientIdParam): Promise<Page<SuppressionView>> {
    return { items: await this.suppressions.forRecipient(id), nextCursor: null };
  }
}
