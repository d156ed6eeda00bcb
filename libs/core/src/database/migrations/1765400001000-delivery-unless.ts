import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An escalation step's condition on its delivery (API.md §9 steps): `read` skips it, when it is due, if the
 * in-app message of its notification was read. Nullable without a default: adding it rewrites no rows.
 */
export class DeliveryUnless1765400001000 implements MigrationInterface {
  name = 'DeliveryUnless1765400001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deliveries ADD COLUMN unless text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deliveries DROP COLUMN unless`);
  }
}
