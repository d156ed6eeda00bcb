import { MigrationInterface, QueryRunner } from 'typeorm';

export class InboxMessages1764500001000 implements MigrationInterface {
  name = 'InboxMessages1764500001000';

  async up(db: QueryRunner): Promise<void> {
    // The id is minted when the message lands in the inbox (UUIDv7), not taken from the delivery:
    // a scheduled or retried delivery arrives later than its id says, and the inbox is ordered by
    // arrival. The delivery id is kept unique instead, so a retried store is a no-op.
    await db.query(`
      CREATE TABLE inbox_messages (
        id uuid PRIMARY KEY,
        delivery_id uuid NOT NULL UNIQUE,
        recipient_id text NOT NULL,
        notification_id uuid,
        title text,
        body text NOT NULL,
        url text,
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX inbox_messages_recipient_idx ON inbox_messages (recipient_id, id DESC)`);
    await db.query(`
      CREATE INDEX inbox_messages_unread_idx ON inbox_messages (recipient_id, id DESC)
      WHERE read_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE inbox_messages`);
  }
}
