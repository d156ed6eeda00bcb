import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AddTopicSubscribersDto,
  Page,
  PutTopicDto,
  TopicKeyParam,
  TopicService,
  TopicSubscriber,
  TopicSubscriberParam,
  TopicSubscribersQuery,
  TopicsQuery,
  TopicView,
} from '@herald/notifications';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/scopes.decorator';
import { SubscribersAddedDto, TopicSubscriberDto, TopicViewDto } from '../dto/topic-responses.dto';
import { ApiKeyProtected, ApiProblems, BODY_PROBLEMS, PageOf } from '../http/openapi.decorators';

const DEFAULT_LIMIT = 100;

/** Topics and their subscribers (API.md §9): managed with scope `recipients`, read also with `read`. */
@ApiTags('topics')
@ApiKeyProtected()
@Controller('v1/topics')
export class TopicsController {
  constructor(private readonly topics: TopicService) {}

  /** Creates the topic (201) or renames it (200). */
  @Put(':key')
  @ApiCreatedResponse({ type: TopicViewDto, description: 'Created' })
  @ApiOkResponse({ type: TopicViewDto, description: 'Renamed' })
  @ApiProblems(...BODY_PROBLEMS)
  @RequireScopes('recipients')
  async put(
    @Param() { key }: TopicKeyParam,
    @Body() body: PutTopicDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<TopicView> {
    const { topic, created } = await this.topics.put(key, body.name);
    res.status(created ? 201 : 200);
    return topic;
  }

  /** The topics in key order. */
  @Get()
  @ApiOkResponse({ type: PageOf(TopicViewDto) })
  @ApiProblems(422)
  @RequireScopes('recipients', 'read')
  list(@Query() query: TopicsQuery): Promise<Page<TopicView>> {
    return this.topics.list(query.limit ?? DEFAULT_LIMIT, query.cursor);
  }

  @Get(':key')
  @ApiOkResponse({ type: TopicViewDto })
  @ApiProblems(404, 422)
  @RequireScopes('recipients', 'read')
  get(@Param() { key }: TopicKeyParam): Promise<TopicView> {
    return this.topics.get(key);
  }

  /** Adds 1 to 1,000 stored recipients; any unknown id refuses the whole call (422 naming each). */
  @Put(':key/subscribers')
  @ApiOkResponse({ type: SubscribersAddedDto })
  @ApiProblems(...BODY_PROBLEMS, 404)
  @RequireScopes('recipients')
  addSubscribers(@Param() { key }: TopicKeyParam, @Body() body: AddTopicSubscribersDto): Promise<{ added: number }> {
    return this.topics.addSubscribers(key, body.recipientIds);
  }

  /** Unsubscribes the recipient; 204 also when it was not subscribed. */
  @Delete(':key/subscribers/:recipientId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Not subscribed (any more)' })
  @ApiProblems(404, 422)
  @RequireScopes('recipients')
  async removeSubscriber(@Param() { key, recipientId }: TopicSubscriberParam): Promise<void> {
    await this.topics.removeSubscriber(key, recipientId);
  }

  /** The subscribers in recipient id order. */
  @Get(':key/subscribers')
  @ApiOkResponse({ type: PageOf(TopicSubscriberDto) })
  @ApiProblems(404, 422)
  @RequireScopes('recipients', 'read')
  subscribers(@Param() { key }: TopicKeyParam, @Query() query: TopicSubscribersQuery): Promise<Page<TopicSubscriber>> {
    return this.topics.subscribers(key, query.limit ?? DEFAULT_LIMIT, query.cursor);
  }
}
