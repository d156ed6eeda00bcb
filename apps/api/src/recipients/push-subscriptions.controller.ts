import { Body, Controller, Delete, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  PushSubscriptionDto,
  PushSubscriptionParam,
  PushSubscriptionService,
  PushSubscriptionView,
  RecipientIdParam,
} from '@herald/recipients';
import type { Response } from 'express';
import { RequireScopes } from '../auth/scopes.decorator';

@ApiTags('recipients')
@Controller('v1/recipients/:id/push-subscriptions')
export class PushSubscriptionsController {
  constructor(private readonly subscriptions: PushSubscriptionService) {}

  /** 201 with the new subscription; 200 with the same one when this browser or device was already subscribed. */
  @Post()
  @RequireScopes('recipients')
  async subscribe(
    @Param() { id }: RecipientIdParam,
    @Body() body: PushSubscriptionDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PushSubscriptionView> {
    const { subscription, created } = await this.subscriptions.subscribe(id, body);
    res.status(created ? 201 : 200);
    return subscription;
  }

  @Delete(':subId')
  @RequireScopes('recipients')
  @HttpCode(204)
  async unsubscribe(@Param() { id, subId }: PushSubscriptionParam): Promise<void> {
    await this.subscriptions.unsubscribe(id, subId);
  }
}
