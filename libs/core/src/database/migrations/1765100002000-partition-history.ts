import { MigrationInterface, QueryRunner } from 'typeorm';
import { PARTITIONED_TABLES, PartitionedTable } from '../partitions/partitioned-tables';
import { typeormSql } from '../partitions/sql-session';
import { weeksBetween, WEEK_MS } from '../partitions/week-bounds';
import { createWeekPartitions } from '../partitions/weekly-partitions';

interface IndexRow {
  name: string;
  definition: string;
  constraint: string | null;
  constraintDefinition: string | null;
  /** A unique index without the partition key, which a partitioned table cannot have. */
  uniqueWithoutKey: boolean;
}

/**
 * Last step of the partitioning (docs/partitioning.md), in one transaction that holds ACCESS EXCLUSIVE on the four
 * tables for its few catalog changes, reading no row. Each table is renamed `<table>_legacy` (its indexes and
 * their constraints too), a partitioned table of the old name is made like it, with the same indexes, and:
 * - a table holding rows is attached as the partition "from MINVALUE to B" (B: the first migration's bound). Its
 *   validated CHECK proves the range, so ATTACH reads no row, and its indexes match the parent's, so none is
 *   built. Retention drops it whole once B is older than the retention;
 * - an empty table (a new installation) is dropped: its weeks, past ones included, are then free for partitions.
 * Partitions of the current week and the two after it are created. The foreign keys between these tables go
 * (a referenced partition cannot be dropped, and each partition attached would lock the table it references):
 * a notification and its deliveries are inserted by one statement, and their weeks are dropped together.
 */
export class PartitionHistory1765100002000 implements MigrationInterface {
  name = 'PartitionHistory1765100002000';

  async up(db: QueryRunner): Promise<void> {
    const names = PARTITIONED_TABLES.map((table) => table.name);
    const foreignKeys = await typeormSql(db)<{ name: string; table: string }>(
      `SELECT conname AS name, conrelid::regclass::text AS table FROM pg_constraint
       WHERE contype = 'f' AND (conrelid::regclass::text = ANY($1) OR confrelid::regclass::text = ANY($1))`,
      [names],
    );
    for (const key of foreignKeys) await db.query(`ALTER TABLE ${key.table} DROP CONSTRAINT ${key.name}`);
    for (const table of PARTITIONED_TABLES) await this.partition(db, table);
    const now = Date.now();
    await createWeekPartitions(typeormSql(db), PARTITIONED_TABLES, weeksBetween(now, now + 2 * WEEK_MS));
  }

  down(): Promise<void> {
    // Going back would copy every row of the weekly partitions into one table: not something to do on the way
    // down of a deploy. Restore the backup taken before the upgrade instead.
    return Promise.reject(new Error('PartitionHistory1765100002000 cannot be reverted (docs/partitioning.md)'));
  }

  private async partition(db: QueryRunner, { name, key }: PartitionedTable): Promise<void> {
    const sql = typeormSql(db);
    const legacy = `${name}_legacy`;
    await db.query(`ALTER TABLE ${name} RENAME TO ${legacy}`);
    const indexes = await sql<IndexRow>(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition, c.conname AS constraint,
         pg_get_constraintdef(c.oid) AS "constraintDefinition",
         x.indisunique AND NOT (SELECT attnum FROM pg_attribute WHERE attrelid = x.indrelid AND attname = $2)
           = ANY(x.indkey::int2[]) AS "uniqueWithoutKey"
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u')
       WHERE x.indrelid = $1::text::regclass`,
      [legacy, key],
    );
    // Renaming an index that backs a constraint renames the constraint as well.
    for (const index of indexes) await db.query(`ALTER INDEX ${index.name} RENAME TO ${index.name}_legacy`);
    await db.query(
      `CREATE TABLE ${name} (LIKE ${legacy} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (${key})`,
    );
    // LIKE copied the legacy bound's CHECK: it belongs to the legacy table alone.
    await db.query(`ALTER TABLE ${name} DROP CONSTRAINT ${name}_legacy_range`);
    for (const index of indexes) {
      if (index.uniqueWithoutKey) continue;
      if (index.constraint) {
        await db.query(`ALTER TABLE ${name} ADD CONSTRAINT ${index.constraint} ${index.constraintDefinition}`);
      } else {
        await db.query(
          index.definition.replace(
            /^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ /,
            `CREATE $1INDEX ${index.name} ON ${name} `,
          ),
        );
      }
    }
    const [{ bound }] = await sql<{ bound: string }>(
      `SELECT substring(pg_get_constraintdef(oid) from '''([0-9a-f-]{36})''') AS bound FROM pg_constraint
       WHERE conrelid = $1::text::regclass AND conname = $2`,
      [legacy, `${name}_legacy_range`],
    );
    const [{ empty }] = await sql<{ empty: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM ${legacy}) AS empty`);
    if (empty) {
      await db.query(`DROP TABLE ${legacy}`);
      return;
    }
    await db.query(`ALTER TABLE ${name} ATTACH PARTITION ${legacy} FOR VALUES FROM (MINVALUE) TO ('${bound}')`);
    await db.query(`ALTER TABLE ${legacy} DROP CONSTRAINT ${name}_legacy_range`);
  }
}
