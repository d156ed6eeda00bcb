import {
  Controller,
  Get,
  Headers,
  HttpCode,
  MessageEvent,
  Param,
  Post,
  Query,
  Sse,
  SseSignal,
  UseGuards,
} from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  InboxListQuery,
  InboxMessageParam,
  InboxMessageView,
  InboxPage,
  InboxService,
  InboxStreamQuery,
  RecipientIdParam,
} from '@herald/recipients';
import { Observable } from 'rxjs';
import { Public } from '../auth/scopes.decorator';
import { InboxMessageViewDto, InboxPageDto, InboxReadAllDto } from '../dto/recipient-responses.dto';
import { ApiInboxAuth, ApiProblems } from '../http/openapi.decorators';
import { AllowQueryToken, InboxAuthGuard } from './inbox-auth.guard';

/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

@ApiTags('inbox')
@Public()
@UseGuards(InboxAuthGuard)
@Controller('v1/recipients/:id/inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiInboxAuth()
  @ApiOkResponse({ type: InboxPageDto })
  @ApiProblems(422)
  @ApiQuery({ name: 'unread', required: false, type: Boolean, description: 'only unread messages' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page' })
  list(@Param() { id }: RecipientIdParam, @Query() query: InboxListQuery): Promise<InboxPage> {
    return this.inbox.list(id, query);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiInboxAuth()
  @ApiOkResponse({ type: InboxReadAllDto })
  @ApiProblems(422)
  readAll(@Param() { id }: RecipientIdParam): Promise<{ updated: number }> {
    return this.inbox.markAllRead(id);
  }

  @Post(':messageId/read')
  @HttpCode(200)
  @ApiInboxAuth()
  @ApiOkResponse({ type: InboxMessageViewDto })
  @ApiProblems(404, 422)
  read(@Param() { id, messageId }: InboxMessageParam): Promise<InboxMessageView> {
    return this.inbox.markRead(id, messageId);
  }

  /**
   * One `message` event per new message (its id as the SSE id, so EventSource
   * resumes with Last-Event-ID), and a heartbeat comment. The answer starts only
   * once the subscription is live, so nothing stored after it is missed.
   */
  @Sse('stream')
  @AllowQueryToken()
  @ApiInboxAuth({ queryToken: true })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'Server-Sent Events: one `message` event per new message (data: an InboxMessage), heartbeats',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiProblems(422, 503)
  @ApiQuery({ name: 'token', required: false, description: 'the recipient token, for EventSource' })
  async stream(
    @Param() { id }: RecipientIdParam,
    @Query() _query: InboxStreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @SseSignal() signal: AbortSignal,
  ): Promise<Observable<MessageEvent>> {
    const messages = await this.inbox.stream(id, { lastEventId, signal });
    return new Observable<MessageEvent>((subscriber) => {
      const heartbeat = setInterval(() => subscriber.next({ comment: 'heartbeat' }), HEARTBEAT_MS);
      const subscription = messages.subscribe({
        next: (message) => subscriber.next({ type: 'message', id: message.id, data: message }),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        clearInterval(heartbeat);
        subscription.unsubscribe();
      };
    });
  }
}
