import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The suppression list (API.md §10): addresses Herald no longer sends to, each for one reason. An address is
 * stored as deliveries are matched against it, an email lower-cased and a phone in E.164, so the worker's check
 * before each email or SMS is one probe of the unique index. `delivery_id` names the delivery whose bounce,
 * complaint or STOP caused it; no foreign key, so the history's retention can drop that delivery and keep the
 * suppression. And the provider status callbacks find a delivery by its provider message id (a Twilio SID):
 * a partial index, so deliveries without one (most channels) add nothing to it.
 */
export class Suppressions1765000000000 implements MigrationInterface {
  name = 'Suppressions1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE suppressions (
        id uuid PRIMARY KEY,
        channel text NOT NULL CHECK (channel IN ('email','sms')),
        address text NOT NULL,
        reason text NOT NULL CHECK (reason IN ('hard_bounce','complaint','sms_stop')),
        source text NOT NULL,
        delivery_id uuid,
        detail text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (channel, address, reason)
      )`);
    await db.query(`CREATE INDEX suppressions_reason_idx ON suppressions (reason, id DESC)`);
    await db.query(
      `CREATE INDEX deliveries_provider_message_idx ON deliveries (provider_message_id) WHERE provider_message_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX deliveries_provider_message_idx`);
    await db.query(`DROP TABLE suppressions`);
  }
}
