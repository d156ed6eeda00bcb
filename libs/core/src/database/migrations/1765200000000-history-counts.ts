import { MigrationInterface, QueryRunner } from 'typeorm';

/** Held by a fold, and by a TRUNCATE's trigger while it empties the counts. */
const HISTORY_COUNTS_FOLD_LOCK = 7215200;

/**
 * Exact counts for the admin stats (API.md §7) without counting millions of rows on each request.
 *
 * Statement-level AFTER triggers (one run per statement, whatever its row count, so the accept path pays one
 * small INSERT per statement) read the statement's transition tables and append the net change per
 * notification status, and per delivery channel, status and minute of creation, to `history_count_changes`.
 * Appending takes no row lock, so concurrent accepts do not queue on a counter row. `history_counts_fold()`
 * (the worker's, every few seconds) moves the changes into `history_counts` (the totals) and
 * `delivery_minute_counts` (the console's deliveries per minute); a read adds the changes not folded yet, in
 * the same snapshot, so it is exact at any time.
 * UPDATE triggers cannot name columns (PostgreSQL refuses transition tables with a column list): a statement
 * that changes no status (a lease renewal) appends nothing, as its old and new rows cancel out.
 *
 * The triggers sit on the parent tables: on partitioned tables they see the rows of every partition. Dropping a
 * partition fires nothing, so retention calls `history_counts_forget(subject, partition)` in the transaction
 * that drops it. TRUNCATE zeroes the counts of the table it empties.
 *
 * Rows already there are counted with both tables locked against writes (SHARE ROW EXCLUSIVE: reads go on),
 * so no row is counted twice or missed: on a large installation writers wait for that count (about 10 s for
 * 10 million notifications).
 */
export class HistoryCounts1765200000000 implements MigrationInterface {
  name = 'HistoryCounts1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE history_counts (
        subject text NOT NULL CHECK (subject IN ('notifications', 'deliveries')),
        channel text NOT NULL,
        status text NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (subject, channel, status)
      )`);
    await db.query(`
      CREATE TABLE delivery_minute_counts (
        minute timestamptz NOT NULL,
        status text NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (minute, status)
      )`);
    // The fold removes minutes back to zero through this index.
    await db.query(`CREATE INDEX delivery_minute_counts_zero_idx ON delivery_minute_counts (minute) WHERE count = 0`);
    // `channel` is '' and `minute` null for notifications.
    await db.query(`
      CREATE TABLE history_count_changes (
        subject text NOT NULL,
        channel text NOT NULL,
        status text NOT NULL,
        minute timestamptz,
        delta bigint NOT NULL
      )`);

    await db.query(`
      CREATE FUNCTION history_count_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO history_count_changes (subject, channel, status, delta)
          SELECT 'notifications', '', status, count(*) FROM new_rows GROUP BY status;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO history_count_changes (subject, channel, status, delta)
          SELECT 'notifications', '', status, -count(*) FROM old_rows GROUP BY status;
        ELSE
          INSERT INTO history_count_changes (subject, channel, status, delta)
          SELECT 'notifications', '', status, sum(delta) FROM (
            SELECT status, 1 AS delta FROM new_rows UNION ALL SELECT status, -1 FROM old_rows
          ) moved GROUP BY status HAVING sum(delta) <> 0;
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION history_count_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO history_count_changes (subject, channel, status, minute, delta)
          SELECT 'deliveries', channel, status, date_trunc('minute', created_at), count(*)
          FROM new_rows GROUP BY 2, 3, 4;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO history_count_changes (subject, channel, status, minute, delta)
          SELECT 'deliveries', channel, status, date_trunc('minute', created_at), -count(*)
          FROM old_rows GROUP BY 2, 3, 4;
        ELSE
          INSERT INTO history_count_changes (subject, channel, status, minute, delta)
          SELECT 'deliveries', channel, status, date_trunc('minute', created_at), sum(delta) FROM (
            SELECT channel, status, created_at, 1 AS delta FROM new_rows
            UNION ALL SELECT channel, status, created_at, -1 FROM old_rows
          ) moved GROUP BY 2, 3, 4 HAVING sum(delta) <> 0;
        END IF;
        RETURN NULL;
      END $$`);
    // The table is locked against every writer: what the counts and the changes hold for it is all there is.
    // The fold's lock keeps a fold from adding changes to the counts between the two deletes.
    await db.query(`
      CREATE FUNCTION history_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${HISTORY_COUNTS_FOLD_LOCK});
        DELETE FROM history_count_changes WHERE subject = TG_TABLE_NAME;
        DELETE FROM history_counts WHERE subject = TG_TABLE_NAME;
        IF TG_TABLE_NAME = 'deliveries' THEN
          DELETE FROM delivery_minute_counts;
        END IF;
        RETURN NULL;
      END $$`);
    // One fold at a time (the others skip), in one statement: a concurrent read sees each change on one side or
    // the other, never both; changes committed meanwhile wait for the next fold.
    await db.query(`
      CREATE FUNCTION history_counts_fold() RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        folded bigint;
      BEGIN
        IF NOT pg_try_advisory_xact_lock(${HISTORY_COUNTS_FOLD_LOCK}) THEN
          RETURN 0;
        END IF;
        WITH taken AS (
          DELETE FROM history_count_changes RETURNING subject, channel, status, minute, delta
        ), totals AS (
          INSERT INTO history_counts AS c (subject, channel, status, count)
          SELECT subject, channel, status, sum(delta) FROM taken GROUP BY 1, 2, 3
          ON CONFLICT (subject, channel, status) DO UPDATE SET count = c.count + excluded.count
        ), minutes AS (
          INSERT INTO delivery_minute_counts AS m (minute, status, count)
          SELECT minute, status, sum(delta) FROM taken WHERE minute IS NOT NULL GROUP BY 1, 2
          ON CONFLICT (minute, status) DO UPDATE SET count = m.count + excluded.count
        )
        SELECT count(*) INTO folded FROM taken;
        IF folded > 0 THEN
          -- Minutes whose deliveries all moved on to another status, or left with a dropped partition.
          DELETE FROM delivery_minute_counts WHERE count = 0;
          DELETE FROM history_counts WHERE count = 0;
        END IF;
        RETURN folded;
      END $$`);
    // For retention: `BEGIN; SELECT history_counts_forget('deliveries', '<partition>'); DROP TABLE <partition>;
    // COMMIT`, the partition attached or already detached. The SHARE lock holds its rows still while they are
    // counted (readers go on), and the DROP takes the partition whole in the same transaction.
    await db.query(`
      CREATE FUNCTION history_counts_forget(subject text, part regclass) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('LOCK TABLE %s IN SHARE MODE', part);
        IF subject = 'notifications' THEN
          EXECUTE format(
            'INSERT INTO history_count_changes (subject, channel, status, delta)
             SELECT ''notifications'', '''', status, -count(*) FROM %s GROUP BY status', part);
        ELSIF subject = 'deliveries' THEN
          EXECUTE format(
            'INSERT INTO history_count_changes (subject, channel, status, minute, delta)
             SELECT ''deliveries'', channel, status, date_trunc(''minute'', created_at), -count(*)
             FROM %s GROUP BY 2, 3, 4', part);
        ELSE
          RAISE EXCEPTION 'history_counts_forget: no counts for %', subject;
        END IF;
      END $$`);

    await db.query(`LOCK TABLE notifications, deliveries IN SHARE ROW EXCLUSIVE MODE`);
    for (const table of ['notifications', 'deliveries']) {
      for (const [event, transition] of [
        ['INSERT', 'NEW TABLE AS new_rows'],
        ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
        ['DELETE', 'OLD TABLE AS old_rows'],
      ]) {
        await db.query(`
          CREATE TRIGGER ${table}_count_${event.toLowerCase()} AFTER ${event} ON ${table}
          REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION history_count_${table}()`);
      }
      await db.query(`
        CREATE TRIGGER ${table}_count_truncate AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION history_count_truncated()`);
    }
    await db.query(`
      INSERT INTO history_counts (subject, channel, status, count)
      SELECT 'notifications', '', status, count(*) FROM notifications GROUP BY status`);
    await db.query(`
      INSERT INTO history_counts (subject, channel, status, count)
      SELECT 'deliveries', channel, status, count(*) FROM deliveries GROUP BY channel, status`);
    await db.query(`
      INSERT INTO delivery_minute_counts (minute, status, count)
      SELECT date_trunc('minute', created_at), status, count(*) FROM deliveries GROUP BY 1, 2`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['notifications', 'deliveries']) {
      for (const event of ['insert', 'update', 'delete', 'truncate']) {
        await db.query(`DROP TRIGGER ${table}_count_${event} ON ${table}`);
      }
    }
    await db.query(`DROP FUNCTION history_counts_forget(text, regclass)`);
    await db.query(`DROP FUNCTION history_counts_fold()`);
    await db.query(`DROP FUNCTION history_count_truncated()`);
    await db.query(`DROP FUNCTION history_count_deliveries()`);
    await db.query(`DROP FUNCTION history_count_notifications()`);
    await db.query(`DROP TABLE history_count_changes`);
    await db.query(`DROP TABLE delivery_minute_counts`);
    await db.query(`DROP TABLE history_counts`);
  }
}
