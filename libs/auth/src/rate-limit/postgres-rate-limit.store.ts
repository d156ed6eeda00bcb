import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RateLimitCounts, RateLimitStore, RateLimitTake } from './rate-limit.store';

/**
 * The check and the count in one statement. The INSERT ... SELECT inserts a
 * first hit only if it fits; ON CONFLICT locks the existing row and its WHERE
 * counts the hit only if it still fits, so concurrent requests queue on the
 * row. The final SELECT sees the rows as they were before the statement: on a
 * refusal that is the current count.
 */
const TAKE_SQL = `
  WITH previous AS (
    SELECT coalesce((SELECT hits FROM rate_limits WHERE key = $1 AND window_start = $3::bigint), 0) AS hits
  ), taken AS (
    INSERT INTO rate_limits AS r (key, window_start, hits)
    SELECT $1, $2::bigint, 1 FROM previous WHERE 1 + previous.hits * $4::float8 <= $5::int
    ON CONFLICT (key, window_start) DO UPDATE SET hits = r.hits + 1
      WHERE r.hits + 1 + (SELECT hits FROM previous) * $4::float8 <= $5::int
    RETURNING r.hits
  )
  SELECT (SELECT hits FROM taken) AS taken,
         (SELECT hits FROM rate_limits WHERE key = $1 AND window_start = $2::bigint) AS before,
         (SELECT hits FROM previous) AS previous`;

/** TAKE_SQL's one row: `taken` is null when the request did not fit, `before` when the window has no row yet. */
interface TakeRow {
  taken: number | null;
  before: number | null;
  previous: number;
}

/** Counters in the UNLOGGED `rate_limits` table, for installations without Redis. */
export class PostgresRateLimitStore extends RateLimitStore {
  readonly kind = 'postgres' as const;
  private readonly logger = new Logger(PostgresRateLimitStore.name);
  /** Windows before this one were deleted by this instance (once per window, whichever instance gets there). */
  private purgedBefore = 0;

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async take(request: RateLimitTake): Promise<RateLimitCounts> {
    const previousStart = request.windowStart - request.windowMs;
    const [row] = await this.dataSource.query<TakeRow[]>(TAKE_SQL, [
      request.key,
      request.windowStart,
      previousStart,
      request.previousWeight,
      request.limit,
    ]);
    if (previousStart > this.purgedBefore) {
      this.purgedBefore = previousStart;
      void this.purge(previousStart);
    }
    return { admitted: row.taken !== null, current: row.taken ?? row.before ?? 0, previous: row.previous };
  }

  /** Windows older than the previous one count for nothing any more. */
  private async purge(before: number): Promise<void> {
    try {
      await this.dataSource.query(`DELETE FROM rate_limits WHERE window_start < $1::bigint`, [before]);
    } catch (error) {
      this.logger.warn(`purging old rate limit windows: ${(error as Error).message}`);
    }
  }
}
