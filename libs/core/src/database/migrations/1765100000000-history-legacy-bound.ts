import { MigrationInterface, QueryRunner } from 'typeorm';
import { PARTITIONED_TABLES } from '../partitions/partitioned-tables';
import { typeormSql } from '../partitions/sql-session';
import { uuidAt, uuidTime, WEEK_MS, weekStart } from '../partitions/week-bounds';

/**
 * First of three steps that partition the history by week without copying a row (docs/partitioning.md). Each
 * table gets a CHECK that its key is below one bound, B: the start of the week after next (or after the newest
 * id, if one is newer). Added NOT VALID, so it takes its ACCESS EXCLUSIVE lock only for an instant and reads no
 * row; rows written from now on are checked. The next migration validates it without blocking writes, and the
 * third attaches each table as the partition "from MINVALUE to B" of a partitioned table, which the validated
 * CHECK lets PostgreSQL do without scanning it.
 */
export class HistoryLegacyBound1765100000000 implements MigrationInterface {
  name = 'HistoryLegacyBound1765100000000';

  async up(db: QueryRunner): Promise<void> {
    const sql = typeormSql(db);
    let newest = Date.now();
    for (const { name, key } of PARTITIONED_TABLES) {
      // No max() for uuid: the last of the primary key's order, one index probe.
      const [row] = await sql<{ last: string }>(
        `SELECT ${key}::text AS last FROM ${name} ORDER BY ${key} DESC LIMIT 1`,
      );
      if (row) newest = Math.max(newest, uuidTime(row.last));
    }
    const bound = uuidAt(weekStart(newest) + 2 * WEEK_MS);
    for (const { name, key } of PARTITIONED_TABLES) {
      await db.query(`ALTER TABLE ${name} ADD CONSTRAINT ${name}_legacy_range CHECK (${key} < '${bound}') NOT VALID`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const { name } of PARTITIONED_TABLES) {
      await db.query(`ALTER TABLE ${name} DROP CONSTRAINT ${name}_legacy_range`);
    }
  }
}
