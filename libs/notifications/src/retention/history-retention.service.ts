import { Injectable } from '@nestjs/common';
import { Client } from 'pg';
import {
  clientSql,
  createWeekPartitions,
  DatabaseRuntime,
  dropPartitionsBefore,
  HeraldConfig,
  HISTORY_TABLES,
  INBOX_TABLE,
  PARTITIONED_TABLES,
  Sql,
  uuidTime,
  weeksBetween,
} from '@herald/core';

const DAY_MS = 86_400_000;
/** Partitions exist this far ahead, so inserts never wait for one while the job runs hourly. */
const AHEAD_MS = 14 * DAY_MS;
/** Held by the process running the job: the other workers' runs skip theirs. */
const JOB_LOCK = 7215004;
/** Idempotency records deleted per statement, so none holds many row locks or runs long. */
const IDEMPOTENCY_BATCH = 1000;

export interface RetentionRun {
  created: string[];
  dropped: string[];
  idempotencyRemoved: number;
}

/**
 * Keeps the history bounded (docs/partitioning.md): creates the weekly partitions two weeks ahead, drops the weeks
 * past HISTORY_RETENTION_DAYS and INBOX_RETENTION_DAYS, and deletes the idempotency records past their 24 hours.
 * Runs on a session of its own to PostgreSQL itself (DATABASE_DIRECT_URL: a session advisory lock, lock_timeout),
 * one process at a time. Nothing here makes an accept wait: partitions are attached and detached under SHARE
 * UPDATE EXCLUSIVE, a detach or drop waits for its lock at most 100 ms and is tried again, and records are deleted
 * in small batches.
 */
@Injectable()
export class HistoryRetentionService {
  constructor(
    private readonly config: HeraldConfig,
    private readonly database: DatabaseRuntime,
  ) {}

  /** Null when another process is running it. `now` is the clock the weeks are counted from. */
  async run(now = Date.now()): Promise<RetentionRun | null> {
    const client = new Client({ connectionString: this.database.directUrl });
    // A connection lost mid-run fails the query under way; the event must not crash the process.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const sql = clientSql(client);
      const [{ locked }] = await sql<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${JOB_LOCK}) AS locked`);
      if (!locked) return null;
      await sql(`SET lock_timeout = '100ms'`);
      const created = await this.createAhead(sql, now);
      const dropped: string[] = [];
      const options = { attempts: 20, retryDelayMs: 200 };
      // A notification scheduled further ahead than the retention (or a delivery still retrying) is not history
      // yet: its week stays until every delivery in it is final, so nothing accepted is dropped unsent.
      const before = Math.min(now - this.config.retention.historyDays * DAY_MS, await this.oldestUnfinished(sql));
      for (const table of HISTORY_TABLES) {
        dropped.push(...(await dropPartitionsBefore(sql, table.name, before, options)));
      }
      const inboxBefore = now - this.config.retention.inboxDays * DAY_MS;
      dropped.push(...(await dropPartitionsBefore(sql, INBOX_TABLE.name, inboxBefore, options)));
      return { created, dropped, idempotencyRemoved: await this.removeExpiredIdempotency(sql) };
    } finally {
      // Ending the session releases the job's lock.
      await client.end();
    }
  }

  /** When the oldest delivery not in a final status was minted (its id's time); +Infinity when there is none. */
  private async oldestUnfinished(sql: Sql): Promise<number> {
    // Read through deliveries_status_idx (status, id): the unfinished rows are few, whatever the history's size.
    const [oldest] = await sql<{ id: string }>(
      `SELECT id FROM deliveries WHERE status IN ('queued', 'scheduled', 'sending') ORDER BY id LIMIT 1`,
    );
    return oldest ? uuidTime(oldest.id) : Infinity;
  }

  private async createAhead(sql: Sql, now: number): Promise<string[]> {
    await sql('BEGIN');
    try {
      // Waiting here makes no accept wait (an insert does not queue behind SHARE UPDATE EXCLUSIVE, nor behind the
      // creators' advisory lock), so it may wait for an insert that is creating a missing week meanwhile.
      await sql(`SET LOCAL lock_timeout = '5s'`);
      const created = await createWeekPartitions(sql, PARTITIONED_TABLES, weeksBetween(now, now + AHEAD_MS));
      await sql('COMMIT');
      return created;
    } catch (error) {
      await sql('ROLLBACK');
      throw error;
    }
  }

  private async removeExpiredIdempotency(sql: Sql): Promise<number> {
    let removed = 0;
    for (;;) {
      const [{ count }] = await sql<{ count: number }>(
        `WITH removed AS (
           DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
             SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT ${IDEMPOTENCY_BATCH}
             FOR UPDATE SKIP LOCKED))
           RETURNING 1
         )
         SELECT count(*)::int AS count FROM removed`,
      );
      removed += count;
      if (count < IDEMPOTENCY_BATCH) return removed;
    }
  }
}
