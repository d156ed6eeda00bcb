import { Body, Controller, Delete, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  PushSubscriptionDto,
  PushSubscriptionParam,
  PushSubscriptionService,
  PushSubscriptionView,
  RecipientIdParam,
} from '@herald/recipients';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/scopes.decorator';
import { PushSubscriptionViewDto } from '../dto/recipient-responses.dto';
import { ApiKeyProtected, ApiProblems, BODY_PROBLEMS } from '../http/openapi.decorators';

@ApiTags('recipients')
@ApiKeyProtected()
@Controller('v1/recipients/:id/push-subscriptions')
export class PushSubscriptionsController {
  constructor(private readonly subscriptions: PushSubscriptionService) {}

  /** 201 with the new subscription; 200 with the same one when this browser or device was already subscribed. */
  @Post()
  @ApiCreatedResponse({ type: PushSubscriptionViewDto, description: 'Subscribed' })
  @ApiOkResponse({ type: PushSubscriptionViewDto, description: 'Already subscribed: the same subscription' })
  @ApiProblems(...BODY_PROBLEMS, 404)
  @RequireScopes('recipients')
  async subscribe(
    @Param() { id }: RecipientIdParam,
    @Body() body: PushSubscriptionDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<PushSubscriptionView> {
    const { subscription, created } = await this.subscriptions.subscribe(id, body);
    res.status(created ? 201 : 200);
    return subscription;
  }

  @Delete(':subId')
  @RequireScopes('recipients')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Unsubscribed' })
  @ApiProblems(404, 422)
  async unsubscribe(@Param() { id, subId }: PushSubscriptionParam): Promise<void> {
    await this.subscriptions.unsubscribe(id, subId);
  }
}
