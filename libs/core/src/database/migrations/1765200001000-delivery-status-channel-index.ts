import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /v1/admin/deliveries?status&channel`. With only `(status, id DESC)` and `(channel, id DESC)`, and the
 * planner taking status and channel for independent, a pair that never occurs (in_app deliveries are never
 * `delivered`) looked common: it walked the primary key newest first, filtering, through every delivery, for a
 * page that stays empty (9 to 31 s at 20,000,000 deliveries, docs/history-at-scale.md). The index answers the pair,
 * the window and the cursor in one range scan; the statistics of the pair (most common combinations) let the
 * planner see which pairs are rare and take it. On partitioned tables every week needs the statistics too: the
 * weeks there are given them, later ones copy them (`LIKE ... INCLUDING STATISTICS`, weekly-partitions.ts).
 * The index is built with the table locked against writes: about 90 s per 20,000,000 deliveries.
 */
export class DeliveryStatusChannelIndex1765200001000 implements MigrationInterface {
  name = 'DeliveryStatusChannelIndex1765200001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX deliveries_status_channel_idx ON deliveries (status, channel, id DESC)`);
    const tables = (await db.query(
      `SELECT 'deliveries' AS name UNION ALL
       SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'deliveries'::regclass`,
    )) as { name: string }[];
    for (const { name } of tables) {
      await db.query(`CREATE STATISTICS ${name}_status_channel_stats (mcv) ON status, channel FROM ${name}`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    const statistics = (await db.query(
      `SELECT stxname AS name FROM pg_statistic_ext WHERE stxname LIKE 'deliveries%status_channel_stat%'`,
    )) as { name: string }[];
    for (const { name } of statistics) await db.query(`DROP STATISTICS ${name}`);
    await db.query(`DROP INDEX deliveries_status_channel_idx`);
  }
}
