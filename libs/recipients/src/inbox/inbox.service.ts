import { Injectable, Logger } from '@nestjs/common';
import { concat, concatMap, EMPTY, filter, from, map, Observable } from 'rxjs';
import { InboxListQuery } from '../dto/inbox.dto';
import { InboxEvents } from './inbox-events';
import { InboxMessageEntity } from '../entities/inbox-message.entity';
import { InboxMessageNotFoundError } from '../recipients.errors';
import { InboxRepository } from './inbox.repository';
import type { InboxEvent, InboxMessageView, InboxPage, NewInboxMessage } from './inbox.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_LIMIT = 50;
/** At most this many missed messages are replayed to a reconnecting stream; the list has the rest. */
const REPLAY_LIMIT = 200;

export function inboxMessageView(message: InboxMessageEntity): InboxMessageView {
  return {
    id: message.id,
    recipientId: message.recipientId,
    notificationId: message.notificationId,
    title: message.title,
    body: message.body,
    url: message.url,
    read: message.readAt !== null,
    readAt: message.readAt?.toISOString() ?? null,
    createdAt: message.createdAt.toISOString(),
  };
}

export interface InboxStreamOptions {
  /** The id of the last message the client saw (SSE `Last-Event-ID`): newer ones are replayed first. */
  lastEventId?: string;
  /** Aborted when the client goes away, including before the stream was subscribed. */
  signal: AbortSignal;
}

@Injectable()
export class InboxService {
  private readonly logger = new Logger(InboxService.name);

  constructor(
    private readonly repository: InboxRepository,
    private readonly events: InboxEvents,
  ) {}

  /** Stores a delivered in-app message (once per delivery) and tells the API instances. */
  async deliver(message: NewInboxMessage): Promise<InboxMessageView> {
    const { message: stored } = await this.repository.insert(message);
    // Published on every attempt, also when an earlier one had stored it: that attempt may have
    // died before publishing. Clients tell repeats apart by the event id. The message is stored
    // either way, so a lost event costs liveness only, not the delivery.
    try {
      await this.events.publish({ messageId: stored.id, recipientId: stored.recipientId });
    } catch (error) {
      this.logger.warn(`inbox event for message ${stored.id} not published: ${(error as Error).message}`);
    }
    return inboxMessageView(stored);
  }

  async list(recipientId: string, query: InboxListQuery): Promise<InboxPage> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const [rows, unreadCount] = await Promise.all([
      this.repository.findPage(recipientId, { unread: query.unread ?? false, limit, cursor: query.cursor }),
      this.repository.unreadCount(recipientId),
    ]);
    const items = rows.slice(0, limit).map(inboxMessageView);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null, unreadCount };
  }

  async markRead(recipientId: string, messageId: string): Promise<InboxMessageView> {
    const message = UUID.test(messageId) ? await this.repository.markRead(recipientId, messageId) : null;
    if (!message) throw new InboxMessageNotFoundError(recipientId, messageId);
    return inboxMessageView(message);
  }

  async markAllRead(recipientId: string): Promise<{ updated: number }> {
    return { updated: await this.repository.markAllRead(recipientId) };
  }

  /**
   * The recipient's new messages as they land, on any instance. Resolves once
   * the subscription is live, so a message stored after that is not missed;
   * with `lastEventId`, the messages stored since then come first.
   */
  async stream(
    recipientId: string,
    { lastEventId, signal }: InboxStreamOptions,
  ): Promise<Observable<InboxMessageView>> {
    // Events that arrive before the caller subscribes wait here; after that they go straight through.
    let sink: ((event: InboxEvent | null) => void) | undefined;
    const early: (InboxEvent | null)[] = [];
    const unsubscribe = await this.events.subscribe(recipientId, {
      next: (event) => (sink ? sink(event) : early.push(event)),
      end: () => (sink ? sink(null) : early.push(null)),
    });
    // The client may leave before (or without) the stream being subscribed: drop the listener then too.
    signal.addEventListener('abort', unsubscribe, { once: true });
    if (signal.aborted) {
      unsubscribe();
      return EMPTY;
    }

    const missed =
      lastEventId && UUID.test(lastEventId)
        ? await this.repository.findAfter(recipientId, lastEventId, REPLAY_LIMIT)
        : [];
    const replayed = new Set(missed.map((message) => message.id));
    const live = new Observable<InboxEvent>((subscriber) => {
      sink = (event) => (event ? subscriber.next(event) : subscriber.complete());
      for (const event of early.splice(0)) sink(event);
      return () => {
        sink = undefined;
        unsubscribe();
      };
    });
    return concat(
      from(missed.map(inboxMessageView)),
      live.pipe(
        filter((event) => !replayed.has(event.messageId)),
        // In order, and read back from PostgreSQL: the event carries ids only.
        concatMap((event) => this.repository.findOne(recipientId, event.messageId)),
        filter((message): message is InboxMessageEntity => message !== null),
        map(inboxMessageView),
      ),
    );
  }
}
