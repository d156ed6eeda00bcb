import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'scheduled','queued','sending','sent','delivered','failed','skipped','cancelled'`;

/**
 * `pending` leaves the delivery statuses: nothing ever wrote it (a delivery is
 * stored `queued`, `scheduled` or `skipped`), so no row needs a backfill. The
 * new check is validated against every row while the table is locked: a row
 * with `pending` would fail the migration rather than be silently kept.
 */
export class DeliveryStatusWithoutPending1764800000000 implements MigrationInterface {
  name = 'DeliveryStatusWithoutPending1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check,
        ADD CONSTRAINT deliveries_status_check CHECK (status IN (${STATUSES}))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check,
        ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending',${STATUSES}))`);
  }
}
