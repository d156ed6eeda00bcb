import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Topics and broadcasts (API.md §9). A topic's subscribers are stored recipients: the foreign key removes a
 * recipient's subscriptions with it when the recipient is erased. A broadcast is one send to a topic, fanned out
 * by a worker in pages of subscribers: `cursor` is the last recipient id done, advanced in the transaction that
 * inserts the page's notifications under the broadcast's row lock, so a worker killed mid-fan-out resumes after
 * it and no page is stored twice. Each of those notifications names its broadcast (no unique index on
 * (broadcast, recipient): the partitioned notifications table can hold a unique index only with its partition
 * key, the id). Broadcasts keep the topic's key, not a
 * foreign key, so a topic's history outlives nothing it should not.
 */
export class Topics1765300000000 implements MigrationInterface {
  name = 'Topics1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE topics (
        key text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE topic_subscribers (
        topic_key text NOT NULL REFERENCES topics (key) ON DELETE CASCADE,
        recipient_id text NOT NULL REFERENCES recipients (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic_key, recipient_id)
      )`);
    await db.query(`CREATE INDEX topic_subscribers_recipient_idx ON topic_subscribers (recipient_id)`);
    await db.query(`
      CREATE TABLE broadcasts (
        id uuid PRIMARY KEY,
        api_key_id text NOT NULL,
        topic_key text NOT NULL,
        request jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('fanning_out','completed')),
        cursor text,
        total integer NOT NULL,
        created integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX broadcasts_fanning_out_idx ON broadcasts (updated_at) WHERE status = 'fanning_out'`);
    await db.query(`ALTER TABLE notifications ADD COLUMN broadcast_id uuid`);
    // Throttles (API.md §9): one row per template, recipient and rendered key, holding the times of the sends
    // admitted within the window (at most the limit of them). Row-locked by the upsert that admits a send.
    await db.query(`
      CREATE TABLE throttle_windows (
        scope text PRIMARY KEY,
        hit_limit integer NOT NULL,
        window_seconds integer NOT NULL,
        hits timestamptz[] NOT NULL,
        admitted boolean NOT NULL,
        last_hit_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE throttle_windows`);
    await db.query(`ALTER TABLE notifications DROP COLUMN broadcast_id`);
    await db.query(`DROP TABLE broadcasts`);
    await db.query(`DROP TABLE topic_subscribers`);
    await db.query(`DROP TABLE topics`);
  }
}
