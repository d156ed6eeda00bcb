import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The provider each attempt went to (`smtp:host:port`, `twilio`, `vonage`), now that a channel has several and a
 * failed attempt may move to the next; the delivery keeps the one that took it, beside its provider message id.
 * Nullable, without a default: adding them rewrites no rows.
 */
export class AttemptProvider1765020000000 implements MigrationInterface {
  name = 'AttemptProvider1765020000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE delivery_attempts ADD COLUMN provider text`);
    await db.query(`ALTER TABLE deliveries ADD COLUMN provider text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deliveries DROP COLUMN provider`);
    await db.query(`ALTER TABLE delivery_attempts DROP COLUMN provider`);
  }
}
