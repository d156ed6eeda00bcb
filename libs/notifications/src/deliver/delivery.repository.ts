import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PreparedStatements, type Channel, type DeliveryAddress, type Priority } from '@herald/core';
import { DataSource, EntityManager } from 'typeorm';
import type { AttemptOutcome } from '../entities/delivery-attempt.entity';
import type { DeliveryStatus } from '../entities/delivery.entity';
import { derivedStatusSql, NOTIFICATION_STATUS_SQL } from './notification-status.sql';

export interface ClaimedDelivery {
  id: string;
  notificationId: string;
  channel: Channel;
  attempt: number;
  address: DeliveryAddress;
  content: unknown;
  priority: Priority;
  /** When the notification was accepted, or its sendAt when later: where the delivery latency is measured from. */
  dueAt: Date;
  /** An escalation step's condition (`read`), checked before it is sent. */
  unless?: 'read';
}

export interface AttemptResult {
  outcome: AttemptOutcome;
  error?: string;
  providerMessageId?: string;
  /** The provider the attempt went to (the last one tried when it failed over). */
  provider?: string;
}

/** A delivery the reconciler hands back to its queue. */
export interface ReconciledDelivery {
  id: string;
  channel: Channel;
  priority: Priority;
  attemptsMade: number;
  delayMs: number;
}

/** What an admin's retry found: the delivery requeued, or its current status (null: no such delivery). */
export type RequeueResult =
  | { requeued: true; delivery: { id: string; channel: Channel; priority: Priority; attemptsMade: number } }
  | { requeued: false; status: DeliveryStatus | null };

/** Rows as PostgreSQL answers them: snake_case columns. */
interface ClaimedRow {
  id: string;
  notification_id: string;
  channel: Channel;
  attempts: number;
  address: DeliveryAddress | null;
  content: unknown;
  priority: Priority;
  due_at: Date;
  unless: 'read' | null;
}

interface ReconcileRow {
  id: string;
  channel: Channel;
  attempts: number;
  priority: Priority;
  /** bigint, which pg answers as a string. */
  delay_ms: string | null;
}

interface RequeuedRow {
  id: string;
  channel: Channel;
  attempts: number;
  priority: Priority;
  /** The delivery's status after the statement. */
  status: DeliveryStatus;
  requeued: boolean;
}

const LOST_ATTEMPT = 'worker stopped during the attempt';

@Injectable()
export class DeliveryRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly prepared: PreparedStatements,
  ) {}

  /**
   * The conditional status change that makes a worker the only one sending this
   * delivery: `queued`/`scheduled` → `sending`, in one statement that locks the
   * notification row first (the lock every status change takes), opens the
   * attempt, starts the lease and marks the notification `processing`. A
   * `sending` row whose lease ended belonged to a worker that died (a live one
   * renews it): its open attempt is closed as lost and the delivery is claimed again.
   */
  async claim(deliveryId: string, leaseMs: number): Promise<ClaimedDelivery | null> {
    const rows = await this.prepared.query<ClaimedRow>(
      'herald_delivery_claim',
      `WITH notification AS (
         SELECT n.id, n.priority, n.send_at FROM notifications n
         WHERE n.id = (SELECT notification_id FROM deliveries WHERE id = $1)
         FOR UPDATE
       ), previous AS (
         -- Joined to the locked notification, so its row lock is taken after the notification's.
         -- FOR UPDATE re-reads the row as last committed: a claim that won meanwhile makes it 'sending'.
         SELECT d.id, d.status, d.attempts FROM deliveries d JOIN notification n ON n.id = d.notification_id
         WHERE d.id = $1 AND (d.status IN ('queued', 'scheduled')
           OR (d.status = 'sending' AND d.lease_expires_at < now()))
         FOR UPDATE OF d
       ), lost AS (
         -- By $1 rather than p.id (the same id): a parameter on the partition key lets the generic plan prune the
         -- other weeks at executor startup, where a join key prunes only as each row comes.
         UPDATE delivery_attempts a SET finished_at = now(), outcome = 'transient_error', error = '${LOST_ATTEMPT}'
         FROM previous p
         WHERE p.status = 'sending' AND a.delivery_id = $1 AND a.attempt = p.attempts AND a.finished_at IS NULL
       ), claimed AS (
         UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, next_attempt_at = NULL, updated_at = now(),
           lease_expires_at = now() + $2 * interval '1 millisecond'
         FROM previous p WHERE d.id = $1 AND d.id = p.id
         RETURNING d.id, d.notification_id, d.channel, d.attempts, d.address, d.content, d.created_at, d.unless
       ), attempt AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, started_at)
         SELECT id, attempts, now() FROM claimed
       ), started AS (
         -- What NOTIFICATION_STATUS_SQL derives once a delivery is sending: the notification is processing.
         -- A scalar (claimed has one row at most) rather than a join: the lookup stays on the primary key in a
         -- generic plan made while the week's partition was small, which would otherwise scan it whole.
         UPDATE notifications n SET status = 'processing', updated_at = now()
         WHERE n.id = (SELECT notification_id FROM claimed) AND n.status <> 'processing'
       )
       SELECT c.*, n.priority, GREATEST(c.created_at, n.send_at) AS due_at
       FROM claimed c JOIN notification n ON n.id = c.notification_id`,
      [deliveryId, leaseMs],
    );
    if (!rows.length) return null;
    const [row] = rows;
    return {
      id: row.id,
      notificationId: row.notification_id,
      channel: row.channel,
      attempt: row.attempts,
      address: row.address ?? {},
      content: row.content,
      priority: row.priority,
      dueAt: row.due_at,
      ...(row.unless ? { unless: row.unless } : {}),
    };
  }

  /**
   * Ends a claimed delivery (`sent`, `delivered` or `failed`), closes its
   * attempt and derives the notification's status, in one statement: the
   * notification row is locked first, then its deliveries are read FOR SHARE,
   * which reads each as last committed, so a sibling that finished while this
   * statement waited for the lock is counted with its new status.
   *
   * Fenced by the attempt: when the delivery was taken over meanwhile (this
   * worker's lease ended), the result closes this attempt only, and the
   * delivery and notification stay as the current attempt makes them. Answers
   * whether the result became the delivery's.
   */
  async finish(
    delivery: ClaimedDelivery,
    status: Extract<DeliveryStatus, 'sent' | 'delivered' | 'failed'>,
    result: AttemptResult & { captured?: boolean },
  ): Promise<boolean> {
    const [{ ended }] = await this.prepared.query<{ ended: number }>(
      'herald_delivery_finish',
      `WITH notification AS (
         SELECT id FROM notifications WHERE id = $8 FOR UPDATE
       ), siblings AS (
         -- The scalar is computed first, so the notification is locked before its deliveries; and the lookup stays
         -- on deliveries_notification_idx in a generic plan made while the week's partition was small (a join to
         -- the CTE was planned there as a scan of the whole partition, and kept as it grew).
         SELECT d.id, d.status FROM deliveries d WHERE d.notification_id = (SELECT id FROM notification) FOR SHARE OF d
       ), ended AS (
         UPDATE deliveries d SET status = $3, error = $5, provider_message_id = $6, captured = $7, provider = $9,
           updated_at = now()
         FROM siblings s WHERE d.id = $1 AND s.id = d.id AND s.status = 'sending' AND d.attempts = $2
         RETURNING d.id
       ), attempt AS (
         UPDATE delivery_attempts SET finished_at = now(), outcome = $4, error = $5, provider_message_id = $6,
           provider = $9
         WHERE delivery_id = $1 AND attempt = $2
       ), after AS (
         -- The statement does not see its own update of the delivery: count it with its new status.
         SELECT CASE WHEN s.id IN (SELECT id FROM ended) THEN $3::text ELSE s.status END AS status FROM siblings s
       ), derived AS (
         UPDATE notifications n SET status = x.status, updated_at = now()
         FROM (${derivedStatusSql('after')}) x
         WHERE n.id = $8 AND x.status IS NOT NULL AND n.status <> x.status AND EXISTS (SELECT 1 FROM ended)
       )
       SELECT count(*)::int AS ended FROM ended`,
      [
        delivery.id,
        delivery.attempt,
        status,
        result.outcome,
        result.error ?? null,
        result.providerMessageId ?? null,
        result.captured ?? false,
        delivery.notificationId,
        result.provider ?? null,
      ],
    );
    return ended > 0;
  }

  /**
   * A claimed delivery that must not be sent after all (its address is suppressed): `skipped` with `reason`, as
   * if never claimed: the attempt the claim opened is removed, since nothing was attempted. One statement with
   * the lock order and status derivation of `finish`, and fenced by the attempt like it.
   */
  async skipClaimed(delivery: ClaimedDelivery, reason: string): Promise<boolean> {
    const [{ skipped }] = await this.dataSource.query<[{ skipped: number }]>(
      `WITH notification AS (
         SELECT id FROM notifications WHERE id = $4 FOR UPDATE
       ), siblings AS (
         SELECT d.id, d.status FROM deliveries d JOIN notification n ON n.id = d.notification_id FOR SHARE OF d
       ), skipped AS (
         UPDATE deliveries d SET status = 'skipped', reason = $3, attempts = d.attempts - 1, updated_at = now()
         FROM siblings s WHERE d.id = $1 AND s.id = d.id AND s.status = 'sending' AND d.attempts = $2
         RETURNING d.id
       ), attempt AS (
         DELETE FROM delivery_attempts WHERE delivery_id = $1 AND attempt = $2 AND EXISTS (SELECT 1 FROM skipped)
       ), after AS (
         SELECT CASE WHEN s.id IN (SELECT id FROM skipped) THEN 'skipped' ELSE s.status END AS status FROM siblings s
       ), derived AS (
         UPDATE notifications n SET status = x.status, updated_at = now()
         FROM (${derivedStatusSql('after')}) x
         WHERE n.id = $4 AND x.status IS NOT NULL AND n.status <> x.status AND EXISTS (SELECT 1 FROM skipped)
       )
       SELECT count(*)::int AS skipped FROM skipped`,
      [delivery.id, delivery.attempt, reason, delivery.notificationId],
    );
    return skipped > 0;
  }

  /**
   * A transient failure with attempts left: back to `queued` until `retryAt`.
   * Fenced by the attempt like `finish`; answers whether the retry is the delivery's.
   */
  async scheduleRetry(delivery: ClaimedDelivery, result: AttemptResult, retryAt: Date): Promise<boolean> {
    return this.inNotificationLock(delivery.id, async (manager) => {
      const [{ requeued }] = await manager.query<[{ requeued: number }]>(
        `WITH requeued AS (
           UPDATE deliveries SET status = 'queued', error = $4, next_attempt_at = $5, updated_at = now()
           WHERE id = $1 AND status = 'sending' AND attempts = $2
           RETURNING id
         ), attempt AS (
           UPDATE delivery_attempts SET finished_at = now(), outcome = $3, error = $4, provider = $6
           WHERE delivery_id = $1 AND attempt = $2
         )
         SELECT count(*)::int AS requeued FROM requeued`,
        [delivery.id, delivery.attempt, result.outcome, result.error ?? null, retryAt, result.provider ?? null],
      );
      return requeued > 0;
    });
  }

  /**
   * Extends the lease of the deliveries this process is sending, in one
   * statement. Each is matched with its attempt, so a delivery another worker
   * took over is not renewed for it. Rows locked at this moment are skipped
   * rather than waited for: their lock is a status change in progress (which
   * needs no renewal), and waiting on rows in no set order could deadlock with it.
   */
  async renewLeases(held: { id: string; attempt: number }[], leaseMs: number): Promise<void> {
    if (!held.length) return;
    await this.dataSource.query(
      `WITH mine AS (
         SELECT d.id FROM deliveries d JOIN unnest($1::uuid[], $2::int[]) AS h(id, attempt)
           ON d.id = h.id AND d.attempts = h.attempt
         WHERE d.status = 'sending'
         FOR NO KEY UPDATE OF d SKIP LOCKED
       )
       UPDATE deliveries SET lease_expires_at = now() + $3 * interval '1 millisecond'
       WHERE id IN (SELECT id FROM mine)`,
      [held.map((delivery) => delivery.id), held.map((delivery) => delivery.attempt), leaseMs],
    );
  }

  /**
   * Deliveries that should have a job: `queued`/`scheduled` rows not touched for
   * `idleMs` (their enqueue may have been lost with Redis), and `sending` rows
   * whose lease ended (their worker died; the claim takes them over). Touching
   * the waiting rows moves the next scan on to others.
   */
  async takeForReconcile(idleMs: number, limit: number): Promise<ReconciledDelivery[]> {
    const rows = await this.dataSource.query<ReconcileRow[]>(
      `WITH picked AS (
         SELECT id FROM deliveries
         WHERE (status IN ('queued', 'scheduled') AND updated_at < now() - $1 * interval '1 millisecond')
            OR (status = 'sending' AND lease_expires_at < now())
         ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED
       ), touched AS (
         UPDATE deliveries SET updated_at = now() WHERE id IN (SELECT id FROM picked) AND status <> 'sending'
       )
       SELECT d.id, d.channel, d.attempts, n.priority,
         GREATEST(0, EXTRACT(EPOCH FROM (d.next_attempt_at - now())) * 1000)::bigint AS delay_ms
       FROM deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE d.id IN (SELECT id FROM picked)`,
      [idleMs, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      priority: row.priority,
      attemptsMade: row.attempts,
      delayMs: Number(row.delay_ms ?? 0),
    }));
  }

  /**
   * Cancels the deliveries of a notification that have not started
   * (`scheduled`, `queued`) and derives the notification's status again. A
   * `sending` delivery is left to finish: its provider may already have it.
   * Their jobs stay in the queues; when one runs, the claim finds no
   * `queued`/`scheduled` row and does nothing. Answers how many were cancelled,
   * or null when the notification does not exist.
   */
  async cancelUnstarted(notificationId: string): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      const locked = await manager.query<unknown[]>(`SELECT 1 FROM notifications WHERE id = $1 FOR UPDATE`, [
        notificationId,
      ]);
      if (!locked.length) return null;
      // A CTE, so TypeORM answers rows (a bare UPDATE ... RETURNING answers [rows, count]).
      const [{ cancelled }] = await manager.query<[{ cancelled: number }]>(
        `WITH cancelled AS (
           UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = now()
           WHERE notification_id = $1 AND status IN ('scheduled', 'queued')
           RETURNING id
         )
         SELECT count(*)::int AS cancelled FROM cancelled`,
        [notificationId],
      );
      await manager.query(NOTIFICATION_STATUS_SQL, [notificationId]);
      return cancelled;
    });
  }

  /**
   * An admin's retry, in one statement: a `failed` delivery goes back to
   * `queued` with its error cleared, and its notification, which had ended
   * `failed` or `partially_failed`, is being processed again (what the status
   * rule derives once the delivery starts; it keeps the current status while
   * none has). The attempt count is kept, so the next attempt is numbered after
   * the ones in its log (and, past DELIVERY_MAX_ATTEMPTS, a transient error fails
   * it again at once instead of starting a new round of backoff).
   */
  async requeueFailed(deliveryId: string): Promise<RequeueResult> {
    const [row] = await this.dataSource.query<RequeuedRow[]>(
      `WITH notification AS (
         SELECT id, priority FROM notifications
         WHERE id = (SELECT notification_id FROM deliveries WHERE id = $1)
         FOR UPDATE
       ), requeued AS (
         UPDATE deliveries d SET status = 'queued', error = NULL, next_attempt_at = NULL, updated_at = now()
         FROM notification n WHERE d.id = $1 AND d.notification_id = n.id AND d.status = 'failed'
         RETURNING d.id, d.notification_id, d.channel, d.attempts
       ), reopened AS (
         UPDATE notifications n SET status = 'processing', updated_at = now()
         FROM requeued r WHERE n.id = r.notification_id AND n.status IN ('failed', 'partially_failed')
       )
       SELECT d.id, d.channel, n.priority, COALESCE(r.attempts, d.attempts) AS attempts, r.id IS NOT NULL AS requeued,
         CASE WHEN r.id IS NULL THEN d.status ELSE 'queued' END AS status
       FROM deliveries d JOIN notification n ON n.id = d.notification_id LEFT JOIN requeued r ON r.id = d.id
       WHERE d.id = $1`,
      [deliveryId],
    );
    if (!row) return { requeued: false, status: null };
    if (!row.requeued) return { requeued: false, status: row.status };
    return {
      requeued: true,
      delivery: { id: row.id, channel: row.channel, priority: row.priority, attemptsMade: row.attempts },
    };
  }

  /**
   * Every change to a delivery's status runs with its notification row locked,
   * so concurrent deliveries of one notification see each other when the
   * notification's status is derived.
   */
  private inNotificationLock<T>(deliveryId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `SELECT 1 FROM notifications WHERE id = (SELECT notification_id FROM deliveries WHERE id = $1) FOR UPDATE`,
        [deliveryId],
      );
      return work(manager);
    });
  }
}
