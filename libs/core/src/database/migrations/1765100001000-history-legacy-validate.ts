import { MigrationInterface, QueryRunner } from 'typeorm';
import { PARTITIONED_TABLES } from '../partitions/partitioned-tables';
import { typeormSql } from '../partitions/sql-session';

/**
 * Second step of the partitioning (docs/partitioning.md), outside a transaction so that each statement holds its
 * lock only while it runs. VALIDATE CONSTRAINT scans a table under SHARE UPDATE EXCLUSIVE: inserts, updates and
 * reads go on. And two indexes are built CONCURRENTLY (no lock on writes) while the tables are still plain:
 * - `inbox_messages (delivery_id)`: the partitioned inbox cannot keep delivery_id UNIQUE (a unique index must
 *   hold the partition key), so the store looks the delivery up first; built here, the next step attaches it
 *   to the partitioned index instead of building it under its lock.
 * - `idempotency_keys (expires_at)`: the worker removes expired records in batches of 1,000.
 * An index a failed run left invalid is dropped and built again.
 */
export class HistoryLegacyValidate1765100001000 implements MigrationInterface {
  name = 'HistoryLegacyValidate1765100001000';
  transaction = false;

  async up(db: QueryRunner): Promise<void> {
    for (const { name } of PARTITIONED_TABLES) {
      await db.query(`ALTER TABLE ${name} VALIDATE CONSTRAINT ${name}_legacy_range`);
    }
    await this.buildIndex(db, 'inbox_messages_delivery_idx', 'inbox_messages (delivery_id)');
    await this.buildIndex(db, 'idempotency_keys_expires_idx', 'idempotency_keys (expires_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX CONCURRENTLY IF EXISTS idempotency_keys_expires_idx`);
    await db.query(`DROP INDEX CONCURRENTLY IF EXISTS inbox_messages_delivery_idx`);
  }

  private async buildIndex(db: QueryRunner, name: string, on: string): Promise<void> {
    const [state] = await typeormSql(db)<{ valid: boolean }>(
      `SELECT x.indisvalid AS valid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE c.relname = $1`,
      [name],
    );
    if (state?.valid) return;
    if (state) await db.query(`DROP INDEX CONCURRENTLY ${name}`);
    await db.query(`CREATE INDEX CONCURRENTLY ${name} ON ${on}`);
  }
}
