import { closeRedisClient, createRedisClient, HeraldConfig, RedisClient } from '@herald/core';
import { InboxEvents, parseInboxEvent } from './inbox-events';
import type { InboxEvent } from './inbox.types';

/**
 * Inbox events over Redis pub/sub, on one channel per REDIS_PREFIX so several
 * installations can share a Redis. A subscribed connection can do nothing
 * else, hence two connections, each opened on first use: workers only
 * publish, API instances only listen. On a Redis Cluster a message published
 * on any node reaches the subscribers of every node.
 */
export class RedisInboxEvents extends InboxEvents {
  readonly kind = 'redis' as const;
  readonly channel: string;
  private publisher?: RedisClient;
  private subscriber?: RedisClient;
  private subscribed?: Promise<void>;
  private live = false;

  constructor(private readonly target: HeraldConfig['redis']) {
    super();
    this.channel = `${target.prefix}:inbox`;
  }

  async publish(event: InboxEvent): Promise<void> {
    this.publisher ??= this.connection('publisher');
    await this.publisher.publish(
      this.channel,
      JSON.stringify({ messageId: event.messageId, recipientId: event.recipientId }),
    );
  }

  protected listen(): Promise<void> {
    this.subscribed ??= this.subscribeChannel().catch((error: unknown) => {
      this.subscribed = undefined;
      throw error;
    });
    return this.subscribed;
  }

  private async subscribeChannel(): Promise<void> {
    if (!this.subscriber) {
      const subscriber = this.connection('subscriber');
      subscriber.on('message', (channel: string, payload: string) => {
        const event = channel === this.channel ? parseInboxEvent(payload) : undefined;
        if (event) this.dispatch(event);
      });
      // ioredis reconnects by itself, but what was published meanwhile is gone: end the streams so
      // their clients replay it, and SUBSCRIBE again (confirmed) for the next stream.
      subscriber.on('close', () => {
        if (!this.live) return;
        this.live = false;
        this.subscribed = undefined;
        this.logger.warn('inbox Redis subscription lost; open streams end and reconnect');
        this.endAll();
      });
      this.subscriber = subscriber;
    }
    await this.subscriber.subscribe(this.channel);
    this.live = true;
  }

  private connection(role: string): RedisClient {
    // A bounded retry, unlike BullMQ's connections: an event is not worth holding a delivery or a request for.
    const redis = createRedisClient(this.target, {
      maxRetriesPerRequest: 2,
      connectionName: `herald-inbox-${role}`,
    });
    redis.on('error', (error: Error) => this.logger.debug(`inbox Redis ${role}: ${error.message}`));
    return redis;
  }

  protected async disconnect(): Promise<void> {
    this.live = false;
    this.subscribed = undefined;
    const connections = [this.publisher, this.subscriber].filter((redis): redis is RedisClient => !!redis);
    this.publisher = this.subscriber = undefined;
    await Promise.all(connections.map((redis) => closeRedisClient(redis)));
  }
}
