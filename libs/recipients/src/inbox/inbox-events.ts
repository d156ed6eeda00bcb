import { Logger, BeforeApplicationShutdown } from '@nestjs/common';
import { InboxEventsUnavailableError } from '../recipients.errors';
import type { InboxEvent } from './inbox.types';

/** One open stream of one recipient on this instance. */
export interface InboxListener {
  next(event: InboxEvent): void;
  /** The stream ends: shutdown, or the event connection dropped and events may have been missed. */
  end(): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The wire form of an event, parsed defensively: another process wrote it. */
export function parseInboxEvent(payload: string): InboxEvent | undefined {
  try {
    const { messageId, recipientId } = JSON.parse(payload) as Partial<InboxEvent>;
    if (typeof messageId === 'string' && UUID.test(messageId) && typeof recipientId === 'string') {
      return { messageId, recipientId };
    }
  } catch {
    // fall through: not ours
  }
  return undefined;
}

/**
 * "A message landed in this inbox", between instances: the worker that stored a
 * message publishes, every API instance hears it and hands it to the streams of
 * that recipient it holds. Each instance keeps one connection for listening,
 * opened on the first stream, and fans out in memory.
 *
 * Events are a hint, not the record: one published while an instance's
 * connection was down is lost to it, so a dropped connection ends every stream
 * of the instance and its clients reconnect, replaying from their last event id.
 */
export abstract class InboxEvents implements BeforeApplicationShutdown {
  protected readonly logger = new Logger(InboxEvents.name);
  private readonly listeners = new Map<string, Set<InboxListener>>();
  private closed = false;

  /** Which transport carries the events. */
  abstract readonly kind: 'redis' | 'postgres';

  /** Tells every instance that a message landed in `event.recipientId`'s inbox. */
  abstract publish(event: InboxEvent): Promise<void>;

  /** Resolves once this instance receives every event published from now on; connects when needed. */
  protected abstract listen(): Promise<void>;

  /** Closes the connections; called once, at module destroy. */
  protected abstract disconnect(): Promise<void>;

  /**
   * Registers a listener once events are flowing, so nothing published after
   * this resolves is missed. Answers the function that removes it.
   */
  async subscribe(recipientId: string, listener: InboxListener): Promise<() => void> {
    if (this.closed) throw new InboxEventsUnavailableError('The server is shutting down.');
    try {
      await this.listen();
    } catch (error) {
      throw new InboxEventsUnavailableError(`Cannot listen for inbox events: ${(error as Error).message}`);
    }
    let set = this.listeners.get(recipientId);
    if (!set) this.listeners.set(recipientId, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.listeners.get(recipientId);
      if (current?.delete(listener) && current.size === 0) this.listeners.delete(recipientId);
    };
  }

  /** Open streams on this instance (health and tests). */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  protected dispatch(event: InboxEvent): void {
    for (const listener of [...(this.listeners.get(event.recipientId) ?? [])]) {
      try {
        listener.next(event);
      } catch (error) {
        this.logger.error(`inbox listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** Ends every stream of this instance; their clients reconnect and replay what they missed. */
  protected endAll(): void {
    const all = [...this.listeners.values()].flatMap((set) => [...set]);
    this.listeners.clear();
    for (const listener of all) listener.end();
  }

  /**
   * After the workers stopped (they close in onModuleDestroy, and may still publish),
   * before Nest closes the HTTP server, which open streams would hold.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.endAll();
    await this.disconnect();
  }
}
