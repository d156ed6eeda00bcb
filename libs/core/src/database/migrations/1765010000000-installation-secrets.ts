import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Secrets Herald generates for itself, one row per purpose (`name`), so that every api and worker process of an
 * installation signs and checks with the same one without any setting: the first process that needs one inserts
 * it (ON CONFLICT DO NOTHING, so concurrent starts agree on the first), every other reads it. The unsubscribe
 * links' key is the first (`unsubscribe`); UNSUBSCRIBE_SECRET, when set, is used instead of its row.
 */
export class InstallationSecrets1765010000000 implements MigrationInterface {
  name = 'InstallationSecrets1765010000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE installation_secrets (
        name text PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE installation_secrets`);
  }
}
