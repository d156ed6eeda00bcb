import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-API-key request counters for the rate limit when there is no Redis: one
 * row per key and window (window_start in epoch milliseconds). UNLOGGED: the
 * counters are written on every request and worth nothing after a crash, so
 * they skip the WAL (and are emptied by crash recovery, which only forgives a
 * minute of requests). The API deletes windows older than the previous one.
 */
export class RateLimits1764700000000 implements MigrationInterface {
  name = 'RateLimits1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE rate_limits (
        key text NOT NULL,
        window_start bigint NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (key, window_start)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE rate_limits`);
  }
}
