import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the admin history (API.md §7). Lists are ordered by id (UUIDv7,
 * so by creation time) and `since`/`until` are id ranges, so each filter gets
 * one `(column, id DESC)` index that answers the filter, the time window, the
 * order and the cursor in a single range scan. The recipient filter already has
 * `notifications_recipient_idx`; the channel filter of the notification list
 * goes through `deliveries_notification_idx`. Every index on `deliveries` is
 * written on each status change, so it gets only the two its list needs.
 */
export class HistoryIndexes1764600000000 implements MigrationInterface {
  name = 'HistoryIndexes1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX notifications_status_idx ON notifications (status, id DESC)`);
    await db.query(
      `CREATE INDEX notifications_template_idx ON notifications (template_key, id DESC) WHERE template_key IS NOT NULL`,
    );
    await db.query(`CREATE INDEX deliveries_status_idx ON deliveries (status, id DESC)`);
    await db.query(`CREATE INDEX deliveries_channel_idx ON deliveries (channel, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX deliveries_channel_idx`);
    await db.query(`DROP INDEX deliveries_status_idx`);
    await db.query(`DROP INDEX notifications_template_idx`);
    await db.query(`DROP INDEX notifications_status_idx`);
  }
}
