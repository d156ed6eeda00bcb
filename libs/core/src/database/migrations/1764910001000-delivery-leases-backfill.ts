import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows `sending` at the upgrade get the lease the previous version gave them (five minutes from their last
 * change), so a send still running in an old worker is not taken over early. A row without a lease is never
 * taken over, hence the backfill.
 */
export class DeliveryLeasesBackfill1764910001000 implements MigrationInterface {
  name = 'DeliveryLeasesBackfill1764910001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE deliveries SET lease_expires_at = updated_at + interval '5 minutes'
       WHERE status = 'sending' AND lease_expires_at IS NULL`,
    );
  }

  async down(): Promise<void> {
    // The column goes with the previous migration's down.
  }
}
