import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Priority } from '@herald/core';
import { DataSource, EntityManager } from 'typeorm';
import type { DigestEventView, DigestJoin, DigestStatus, DigestView, DueDigest, JoinedDigest } from './digest.types';

interface DigestRow {
  id: string;
  template_key: string;
  recipient_id: string;
  digest_key: string;
  api_key_id: string;
  priority: Priority;
  status: DigestStatus;
  event_count: number;
  max_events: number;
  closes_at: Date;
  notification_id: string | null;
  error: string | null;
  created_at: Date;
  closed_at: Date | null;
}

/**
 * Digests and their sends. Lock order: the recipient row (a join's key share, an erasure's update), the digest
 * row, then its events (joins and closes both take the digest's first).
 */
@Injectable()
export class DigestRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds a send to the open digest of its (template, recipient, key), or opens one, in one statement. Concurrent
   * sends meet on the partial unique index of open digests: one inserts, the others wait for its row and add
   * to it (ON CONFLICT DO UPDATE takes the row lock, which also numbers the sends in order). A digest being
   * closed holds that lock; once closed it leaves the index, and a send that waited on it opens the next. The
   * send that reaches `maxEvents` marks it `closing`, so the next one opens another. The idempotency record, if
   * any, is completed with the answer in the same statement.
   *
   * Null, with nothing stored, when the recipient is gone: the statement takes a key-share lock on its row, so a
   * send that found the recipient just before an erasure locked it waits for the erasure and then stores nothing,
   * rather than opening a digest with data of someone erased after the erasure emptied their digests.
   */
  async join(join: DigestJoin): Promise<JoinedDigest | null> {
    const [row] = await this.dataSource.query<{ id: string; opened: boolean; status: DigestStatus; closes_at: Date }[]>(
      `WITH digest AS (
         INSERT INTO digests (id, template_key, recipient_id, digest_key, api_key_id, priority, status, event_count,
           max_events, closes_at)
         SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text,
           CASE WHEN $7::int <= 1 THEN 'closing' ELSE 'open' END, 1, $7::int, now() + $8::int * interval '1 second'
         WHERE EXISTS (SELECT 1 FROM recipients WHERE id = $3::text FOR KEY SHARE)
         ON CONFLICT (template_key, recipient_id, digest_key) WHERE status = 'open'
         DO UPDATE SET event_count = digests.event_count + 1,
           status = CASE WHEN digests.event_count + 1 >= digests.max_events THEN 'closing' ELSE 'open' END
         RETURNING id, event_count, status, closes_at, xmax = 0 AS opened
       ), event AS (
         INSERT INTO digest_events (digest_id, position, api_key_id, data)
         SELECT id, event_count, $5, $9::jsonb FROM digest
       ), answered AS (
         UPDATE idempotency_keys k SET response_status = 202,
           response_body = jsonb_build_object('status', 'digested', 'digestId', d.id, 'createdAt', $12::text)
         FROM digest d WHERE k.api_key_id = $10 AND k.key = $11
       )
       SELECT id, opened, status, closes_at FROM digest`,
      [
        join.id,
        join.templateKey,
        join.recipientId,
        join.key,
        join.apiKeyId,
        join.priority,
        join.maxEvents,
        join.windowSeconds,
        JSON.stringify(join.data),
        join.idempotency?.apiKeyId ?? null,
        join.idempotency?.key ?? null,
        join.createdAt.toISOString(),
      ],
    );
    if (!row) return null;
    return { id: row.id, opened: row.opened, full: row.status === 'closing', closesAt: row.closes_at };
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Locks the digest if it is due to close (full, or past its time) and not closed yet; null otherwise. */
  async lockDue(manager: EntityManager, id: string): Promise<DueDigest | null> {
    const [row] = await manager.query<DigestRow[]>(
      `SELECT * FROM digests
       WHERE id = $1 AND (status = 'closing' OR (status = 'open' AND closes_at <= now()))
       FOR UPDATE`,
      [id],
    );
    if (!row) return null;
    return {
      id: row.id,
      templateKey: row.template_key,
      recipientId: row.recipient_id,
      apiKeyId: row.api_key_id,
      priority: row.priority,
    };
  }

  /** The data of each send, in the order they joined. */
  async events(manager: EntityManager, id: string): Promise<Record<string, unknown>[]> {
    const rows = await manager.query<{ data: Record<string, unknown> }[]>(
      `SELECT data FROM digest_events WHERE digest_id = $1 ORDER BY position`,
      [id],
    );
    return rows.map((row) => row.data);
  }

  /** Closed, with the notification it made, or the reason it made none. */
  async markClosed(manager: EntityManager, id: string, notificationId: string | null, error: string | null) {
    await manager.query(
      `UPDATE digests SET status = 'closed', closed_at = now(), notification_id = $2, error = $3 WHERE id = $1`,
      [id, notificationId, error],
    );
  }

  /** Digests due to close that are not being closed right now (a lost close job, a worker killed in it). */
  async due(limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM digests
       WHERE status <> 'closed' AND (status = 'closing' OR closes_at <= now())
       ORDER BY closes_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  /** The digest, when `apiKeyId` may see it: any key (null), or one whose key sent to it. */
  async find(id: string, apiKeyId: string | null): Promise<DigestView | null> {
    const [row] = await this.dataSource.query<DigestRow[]>(
      `SELECT d.* FROM digests d
       WHERE d.id = $1
         AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM digest_events e WHERE e.digest_id = d.id AND e.api_key_id = $2))`,
      [id, apiKeyId],
    );
    if (!row) return null;
    return {
      id: row.id,
      template: row.template_key,
      recipientId: row.recipient_id,
      key: row.digest_key,
      status: row.status,
      count: row.event_count,
      maxEvents: row.max_events,
      closesAt: row.closes_at.toISOString(),
      createdAt: row.created_at.toISOString(),
      closedAt: row.closed_at?.toISOString() ?? null,
      notificationId: row.notification_id,
      error: row.error,
    };
  }

  /**
   * Up to `limit` of the digest's sends after position `after`, in the order they joined; null when `apiKeyId`
   * may not see the digest (the rule of `find`), or there is none.
   */
  async eventPage(
    id: string,
    apiKeyId: string | null,
    after: number,
    limit: number,
  ): Promise<DigestEventView[] | null> {
    const rows = await this.dataSource.query<
      { position: number | null; data: Record<string, unknown> | null; created_at: Date | null }[]
    >(
      // Joined to the digest's row, so a digest it may see with no sends past the cursor still answers (nulls).
      `SELECT e.position, e.data, e.created_at
       FROM digests d
       LEFT JOIN LATERAL (
         SELECT position, data, created_at FROM digest_events
         WHERE digest_id = d.id AND position > $3 ORDER BY position LIMIT $4
       ) e ON true
       WHERE d.id = $1
         AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM digest_events s WHERE s.digest_id = d.id AND s.api_key_id = $2))
       ORDER BY e.position`,
      [id, apiKeyId, after, limit],
    );
    if (!rows.length) return null;
    return rows
      .filter((row) => row.position !== null)
      .map((row) => ({ position: row.position!, data: row.data!, createdAt: row.created_at!.toISOString() }));
  }

  /** The digest `notificationId` was made of, if any. */
  async digestOf(notificationId: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query<{ id: string }[]>(`SELECT id FROM digests WHERE notification_id = $1`, [
      notificationId,
    ]);
    return row?.id;
  }

  /**
   * Erasure of a recipient (in its transaction): the sends its digests hold lose their data, and open digests
   * close without a notification, since there is no one left to send it to.
   */
  async eraseRecipient(manager: EntityManager, recipientId: string): Promise<void> {
    await manager.query(
      `UPDATE digests SET status = 'closed', closed_at = now(), error = 'recipient deleted'
       WHERE recipient_id = $1 AND status <> 'closed'`,
      [recipientId],
    );
    await manager.query(
      `UPDATE digest_events e SET data = '{}' FROM digests d WHERE d.id = e.digest_id AND d.recipient_id = $1`,
      [recipientId],
    );
  }
}
