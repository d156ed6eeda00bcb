import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A `sending` delivery's lease: when it ends, the worker that claimed it is presumed dead and the claim may take
 * the delivery over. The worker sending it renews it (heartbeat) while it lives. Until now the lease was read
 * from `updated_at`, which a renewal should not move (it is not a change of the delivery).
 */
export class DeliveryLeases1764910000000 implements MigrationInterface {
  name = 'DeliveryLeases1764910000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deliveries ADD COLUMN lease_expires_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deliveries DROP COLUMN lease_expires_at`);
  }
}
