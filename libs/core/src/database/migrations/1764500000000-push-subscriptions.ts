import { MigrationInterface, QueryRunner } from 'typeorm';

/** Web Push and FCM subscriptions per recipient (API.md §4). */
export class PushSubscriptions1764500000000 implements MigrationInterface {
  name = 'PushSubscriptions1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE push_subscriptions (
        id uuid PRIMARY KEY,
        recipient_id text NOT NULL REFERENCES recipients (id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('webpush','fcm')),
        endpoint text,
        p256dh text,
        auth text,
        token text,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Each type carries exactly its own fields, so a row is always usable by its sender.
        CONSTRAINT push_subscriptions_fields_check CHECK (
          (type = 'webpush' AND endpoint IS NOT NULL AND p256dh IS NOT NULL AND auth IS NOT NULL AND token IS NULL)
          OR (type = 'fcm' AND token IS NOT NULL AND endpoint IS NULL AND p256dh IS NULL AND auth IS NULL)),
        -- Re-subscribing the same browser or device finds its row instead of adding a second one.
        CONSTRAINT push_subscriptions_recipient_endpoint_key UNIQUE (recipient_id, endpoint),
        CONSTRAINT push_subscriptions_recipient_token_key UNIQUE (recipient_id, token)
      )`);
    // A push service reporting an endpoint or token gone removes it wherever it is stored.
    await db.query(
      `CREATE INDEX push_subscriptions_endpoint_idx ON push_subscriptions (endpoint) WHERE endpoint IS NOT NULL`,
    );
    await db.query(`CREATE INDEX push_subscriptions_token_idx ON push_subscriptions (token) WHERE token IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE push_subscriptions`);
  }
}
