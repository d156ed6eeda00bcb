import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TopicView } from './topic.types';

@Injectable()
export class TopicRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates the topic or renames it; `created` says which. */
  async upsert(key: string, name: string): Promise<{ topic: TopicView; created: boolean }> {
    const [row]: { key: string; name: string; subscriber_count: number; created: boolean }[] =
      await this.dataSource.query(
        `WITH saved AS (
           INSERT INTO topics (key, name) VALUES ($1, $2)
           ON CONFLICT (key) DO UPDATE SET name = excluded.name, updated_at = now()
           RETURNING key, name, xmax = 0 AS created
         )
         SELECT key, name, created,
           (SELECT count(*)::int FROM topic_subscribers WHERE topic_key = $1) AS subscriber_count
         FROM saved`,
        [key, name],
      );
    return { topic: { key: row.key, name: row.name, subscriberCount: row.subscriber_count }, created: row.created };
  }

  async find(key: string): Promise<TopicView | null> {
    const [row]: { key: string; name: string; subscriber_count: number }[] = await this.dataSource.query(
      `SELECT key, name, (SELECT count(*)::int FROM topic_subscribers WHERE topic_key = $1) AS subscriber_count
       FROM topics WHERE key = $1`,
      [key],
    );
    return row ? { key: row.key, name: row.name, subscriberCount: row.subscriber_count } : null;
  }

  /** Up to `limit` topics after the key `after`, in key order, each counted as `find` counts one (one statement). */
  async page(limit: number, after?: string): Promise<TopicView[]> {
    const rows: { key: string; name: string; subscriber_count: number }[] = await this.dataSource.query(
      `SELECT t.key, t.name,
         (SELECT count(*)::int FROM topic_subscribers WHERE topic_key = t.key) AS subscriber_count
       FROM topics t
       WHERE $1::text IS NULL OR t.key > $1
       ORDER BY t.key LIMIT $2`,
      [after ?? null, limit],
    );
    return rows.map((row) => ({ key: row.key, name: row.name, subscriberCount: row.subscriber_count }));
  }

  /**
   * Adds stored recipients (ids distinct) to an existing topic, in one transaction: the topic and the recipients
   * are locked FOR KEY SHARE, so neither can be deleted (a recipient erased) between the check and the insert.
   * Answers `unknown` (nothing added) when the topic is missing, else the ids that are not stored recipients
   * (nothing added either), else how many were not subscribed yet.
   */
  addSubscribers(key: string, ids: string[]): Promise<'unknown' | { missing: string[] } | { added: number }> {
    return this.dataSource.transaction(async (manager) => {
      const topic: unknown[] = await manager.query(`SELECT 1 FROM topics WHERE key = $1 FOR KEY SHARE`, [key]);
      if (!topic.length) return 'unknown' as const;
      const found: { id: string }[] = await manager.query(
        `SELECT id FROM recipients WHERE id = ANY($1::text[]) ORDER BY id FOR KEY SHARE`,
        [ids],
      );
      if (found.length < ids.length) {
        const stored = new Set(found.map((row) => row.id));
        return { missing: ids.filter((id) => !stored.has(id)) };
      }
      // In one order for every call, so two calls adding the same recipients never wait on each other in a cycle.
      const added: unknown[] = await manager.query(
        `INSERT INTO topic_subscribers (topic_key, recipient_id) SELECT $1, unnest($2::text[])
         ON CONFLICT DO NOTHING RETURNING 1`,
        [key, [...ids].sort()],
      );
      return { added: added.length };
    });
  }

  /** False when the topic does not exist; removing a recipient that is not subscribed is no error. */
  async removeSubscriber(key: string, recipientId: string): Promise<boolean> {
    const [row]: { topic: boolean }[] = await this.dataSource.query(
      `WITH removed AS (DELETE FROM topic_subscribers WHERE topic_key = $1 AND recipient_id = $2)
       SELECT EXISTS (SELECT 1 FROM topics WHERE key = $1) AS topic`,
      [key, recipientId],
    );
    return row.topic;
  }

  /** Up to `limit` subscriber ids after `after`, in id order; null when the topic does not exist. */
  async subscriberPage(key: string, limit: number, after?: string): Promise<string[] | null> {
    const rows: { recipient_id: string | null }[] = await this.dataSource.query(
      `SELECT s.recipient_id FROM topics t
       LEFT JOIN LATERAL (
         SELECT recipient_id FROM topic_subscribers
         WHERE topic_key = t.key AND ($2::text IS NULL OR recipient_id > $2)
         ORDER BY recipient_id LIMIT $3
       ) s ON true
       WHERE t.key = $1`,
      [key, after ?? null, limit],
    );
    if (!rows.length) return null;
    return rows.flatMap((row) => (row.recipient_id === null ? [] : [row.recipient_id]));
  }
}
