import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Page } from '@herald/notifications';
import { PushSubscriptionService, PushSubscriptionView, RecipientIdParam } from '@herald/recipients';
import { RequireScopes } from '../auth/scopes.decorator';
import { PushSubscriptionViewDto } from '../dto/recipient-responses.dto';
import { ApiKeyProtected, ApiProblems, PageOf } from '../http/openapi.decorators';

/** The read beside push-subscriptions.controller.ts's writes: a recipient's subscriptions, as the console shows them. */
@ApiTags('recipients')
@ApiKeyProtected()
@RequireScopes('recipients', 'read')
@Controller('v1/recipients/:id/push-subscriptions')
export class PushSubscriptionListController {
  constructor(private readonly subscriptions: PushSubscriptionService) {}

  /** Every subscription of the recipient, oldest first, on one page (a recipient has a handful of devices). */
  @Get()
  @ApiOkResponse({ type: PageOf(PushSubscriptionViewDto) })
  @ApiProblems(404, 422)
  async list(@Param() { id }: RecipientIdParam): Promise<Page<PushSubscriptionView>> {
    return { items: await this.subscriptions.list(id), nextCursor: null };
  }
}
