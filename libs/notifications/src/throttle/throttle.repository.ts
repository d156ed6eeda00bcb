import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** One count to take: a scope (template, recipient, rendered key) and its rule. */
export interface ThrottleHit {
  scope: string;
  limit: number;
  windowSeconds: number;
}

@Injectable()
export class ThrottleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Admits or refuses one send per scope (scopes distinct), in one statement. Each scope's row keeps the times
   * of the sends it admitted within the window; the upsert locks the row, so concurrent sends of one scope are
   * decided one after the other on the latest times (READ COMMITTED re-reads the row it waited for): exactly
   * `limit` of them are admitted per window, whichever process or transaction they come from. A sliding window,
   * on PostgreSQL's clock. Rows are locked in scope order, so two processes' statements never wait on each other
   * in a cycle. Answers the scopes admitted. Given a `manager`, the places are taken in its transaction: they
   * count only if it commits, and the rows stay locked until it ends.
   */
  async admit(hits: ThrottleHit[], manager?: EntityManager): Promise<Set<string>> {
    if (!hits.length) return new Set();
    const rows: { scope: string; admitted: boolean }[] = await (manager ?? this.dataSource).query(
      `INSERT INTO throttle_windows AS t (scope, hit_limit, window_seconds, hits, admitted)
       SELECT h.scope, h.hit_limit, h.window_seconds, ARRAY[now()], true
       FROM jsonb_to_recordset($1::jsonb) AS h(scope text, hit_limit integer, window_seconds integer)
       ORDER BY h.scope
       ON CONFLICT (scope) DO UPDATE SET
         hit_limit = excluded.hit_limit,
         window_seconds = excluded.window_seconds,
         hits = (SELECT CASE WHEN count(*) < excluded.hit_limit THEN array_append(array_agg(hit ORDER BY hit), now())
                        ELSE array_agg(hit ORDER BY hit) END
                 FROM unnest(t.hits) AS hit WHERE hit > now() - make_interval(secs => excluded.window_seconds)),
         admitted = (SELECT count(*) < excluded.hit_limit
                     FROM unnest(t.hits) AS hit WHERE hit > now() - make_interval(secs => excluded.window_seconds)),
         last_hit_at = now()
       RETURNING scope, admitted`,
      [
        JSON.stringify(
          hits.map((hit) => ({ scope: hit.scope, hit_limit: hit.limit, window_seconds: hit.windowSeconds })),
        ),
      ],
    );
    return new Set(rows.filter((row) => row.admitted).map((row) => row.scope));
  }

  /** Drops the rows whose every admitted time has left its window: they count nothing any more. */
  async prune(): Promise<number> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM throttle_windows WHERE last_hit_at < now() - make_interval(secs => window_seconds)`,
    );
    return count;
  }
}
