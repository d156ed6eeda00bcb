import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type {
  AcceptedBroadcast,
  BroadcastRequest,
  BroadcastStatus,
  BroadcastView,
  FanOutState,
} from './broadcast.types';

interface BroadcastRow {
  id: string;
  api_key_id: string;
  topic_key: string;
  request: BroadcastRequest;
  template_version: number | null;
  status: BroadcastStatus;
  cursor: string | null;
  total: number;
  created: number;
  skipped: number;
  created_at: Date;
  updated_at: Date;
}

export interface BroadcastInsert {
  id: string;
  apiKeyId: string;
  topicKey: string;
  request: BroadcastRequest;
  /** The template's version when accepted: every subscriber's notification is made with it. */
  templateVersion: number;
  /** The idempotency record to complete with the answer, in the same statement. */
  answer?: { key: string; body: AcceptedBroadcast };
}

@Injectable()
export class BroadcastRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores the broadcast, its total (the topic's subscribers now) and its idempotency answer in one statement.
   * False, and nothing stored, when the topic does not exist.
   */
  async insert(broadcast: BroadcastInsert): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH stored AS (
         INSERT INTO broadcasts (id, api_key_id, topic_key, request, template_version, status, total)
         SELECT $1, $2, t.key, $4::jsonb, $7::integer, 'fanning_out',
           (SELECT count(*) FROM topic_subscribers WHERE topic_key = t.key)
         FROM topics t WHERE t.key = $3
         RETURNING id
       ), answered AS (
         UPDATE idempotency_keys SET response_status = 202, response_body = $6::jsonb
         WHERE api_key_id = $2 AND key = $5 AND EXISTS (SELECT 1 FROM stored)
       )
       SELECT id FROM stored`,
      [
        broadcast.id,
        broadcast.apiKeyId,
        broadcast.topicKey,
        JSON.stringify(broadcast.request),
        broadcast.answer?.key ?? null,
        JSON.stringify(broadcast.answer?.body ?? null),
        broadcast.templateVersion,
      ],
    );
    return rows.length > 0;
  }

  /** The broadcast's view, and the API key that made it (for the access rule). */
  async find(id: string): Promise<{ view: BroadcastView; apiKeyId: string } | null> {
    const [row]: BroadcastRow[] = await this.dataSource.query(`SELECT * FROM broadcasts WHERE id = $1`, [id]);
    if (!row) return null;
    return {
      apiKeyId: row.api_key_id,
      view: {
        id: row.id,
        topic: row.topic_key,
        status: row.status,
        total: row.total,
        created: row.created,
        skipped: row.skipped,
        createdAt: row.created_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
      },
    };
  }

  /** The broadcast, locked until the transaction ends: one fan-out page at a time, whoever runs it. */
  async lock(manager: EntityManager, id: string): Promise<FanOutState | null> {
    const [row]: BroadcastRow[] = await manager.query(`SELECT * FROM broadcasts WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) return null;
    return {
      id: row.id,
      apiKeyId: row.api_key_id,
      topicKey: row.topic_key,
      request: row.request,
      templateVersion: row.template_version,
      status: row.status,
      cursor: row.cursor,
      createdAt: row.created_at,
    };
  }

  /**
   * The page of subscribers after `after` (a recipient id; null for the first), in recipient id order (the
   * topic's primary key). Only those subscribed when the broadcast was accepted: a later subscriber did not ask
   * for what was sent before.
   */
  async subscriberPage(
    manager: EntityManager,
    state: FanOutState,
    after: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows: { recipient_id: string }[] = await manager.query(
      `SELECT recipient_id FROM topic_subscribers
       WHERE topic_key = $1 AND ($2::text IS NULL OR recipient_id > $2) AND created_at <= $3
       ORDER BY recipient_id LIMIT $4`,
      [state.topicKey, after, state.createdAt, limit],
    );
    return rows.map((row) => row.recipient_id);
  }

  /** Records a page done, in the transaction that stored its notifications; `done` completes the broadcast. */
  async advance(
    manager: EntityManager,
    id: string,
    page: { cursor: string | null; created: number; skipped: number; done: boolean },
  ): Promise<void> {
    await manager.query(
      `UPDATE broadcasts SET cursor = $2, created = created + $3, skipped = skipped + $4,
         status = CASE WHEN $5 THEN 'completed' ELSE status END,
         total = CASE WHEN $5 THEN created + $3 + skipped + $4 ELSE total END,
         updated_at = now()
       WHERE id = $1`,
      [id, page.cursor, page.created, page.skipped, page.done],
    );
  }

  /** Broadcasts still fanning out that no page advanced for `idleMs`: their job may be lost. */
  async findIdle(idleMs: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM broadcasts
       WHERE status = 'fanning_out' AND updated_at < now() - make_interval(secs => $1::float8 / 1000)
       ORDER BY updated_at LIMIT $2`,
      [idleMs, limit],
    );
    return rows.map((row) => row.id);
  }
}
