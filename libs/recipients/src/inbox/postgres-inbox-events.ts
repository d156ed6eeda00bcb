import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { InboxEvents, parseInboxEvent } from './inbox-events';
import type { InboxEvent } from './inbox.types';

/** One channel per database: every Herald instance on it listens there. */
export const INBOX_NOTIFY_CHANNEL = 'herald_inbox';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999;

/**
 * Inbox events over PostgreSQL LISTEN/NOTIFY, used when there is no Redis.
 * Publishing is a `pg_notify` on the pooled connections (through PgBouncer in
 * transaction mode too: the notification is sent at commit); listening needs a
 * connection of its own that stays out of the pool (a pooled connection would
 * be handed to other queries and could be closed while idle), straight to
 * PostgreSQL (DATABASE_DIRECT_URL): a pooler in transaction mode would run the
 * LISTEN on whichever server connection is free and hand that one on.
 */
export class PostgresInboxEvents extends InboxEvents {
  readonly kind = 'postgres' as const;
  private client?: Client;
  private listening?: Promise<void>;

  constructor(
    /** DATABASE_DIRECT_URL: a session of its own. */
    private readonly databaseUrl: string,
    private readonly dataSource: DataSource,
  ) {
    super();
  }

  async publish(event: InboxEvent): Promise<void> {
    const payload = JSON.stringify({ messageId: event.messageId, recipientId: event.recipientId });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error('inbox event payload over 8000 bytes');
    await this.dataSource.query('SELECT pg_notify($1, $2)', [INBOX_NOTIFY_CHANNEL, payload]);
  }

  protected listen(): Promise<void> {
    this.listening ??= this.connect().catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'herald-inbox-listener',
      // A peer that vanished without a FIN is noticed by TCP keepalive, not by an idle LISTEN.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on('notification', (message) => {
      const event =
        message.channel === INBOX_NOTIFY_CHANNEL && message.payload ? parseInboxEvent(message.payload) : undefined;
      if (event) this.dispatch(event);
    });
    // Dropped (server restart, terminated backend, network): the next stream opens a new connection.
    const dropped = (reason: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = undefined;
      this.logger.warn(`inbox LISTEN connection lost (${reason}); open streams end and reconnect`);
      client.end().catch(() => undefined);
      this.endAll();
    };
    client.on('error', (error) => dropped(error.message));
    client.on('end', () => dropped('connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${INBOX_NOTIFY_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
  }

  protected async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.listening = undefined;
    await client?.end().catch(() => undefined);
  }
}
