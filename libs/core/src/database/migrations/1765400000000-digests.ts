import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Digests (API.md §9): the sends of a digest template to one recipient with one rendered key, held until the
 * digest closes into one notification. At most one digest per (template, recipient, key) accepts sends: the
 * partial unique index is what concurrent sends meet on (INSERT ... ON CONFLICT), so two sends in the same
 * instant never open two. `status`: `open` (accepting), `closing` (full, waiting for its close), `closed` (its
 * notification stored in the same transaction, or `error` says why there is none). The due index serves the
 * close job and the reconciler, which closes what a lost job left open.
 */
export class Digests1765400000000 implements MigrationInterface {
  name = 'Digests1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE digests (
        id uuid PRIMARY KEY,
        template_key text NOT NULL,
        recipient_id text NOT NULL,
        digest_key text NOT NULL,
        api_key_id text NOT NULL,
        priority text NOT NULL,
        status text NOT NULL,
        event_count integer NOT NULL,
        max_events integer NOT NULL,
        closes_at timestamptz NOT NULL,
        notification_id uuid,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      )`);
    await db.query(
      `CREATE UNIQUE INDEX digests_open ON digests (template_key, recipient_id, digest_key) WHERE status = 'open'`,
    );
    await db.query(`CREATE INDEX digests_due ON digests (closes_at) WHERE status <> 'closed'`);
    await db.query(`CREATE INDEX digests_recipient ON digests (recipient_id)`);
    await db.query(`CREATE INDEX digests_notification ON digests (notification_id) WHERE notification_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE digest_events (
        digest_id uuid NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
        position integer NOT NULL,
        api_key_id text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (digest_id, position)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE digest_events`);
    await db.query(`DROP TABLE digests`);
  }
}
