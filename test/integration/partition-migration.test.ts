import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DatabaseRuntime,
  dataSourceOptions,
  HeraldConfig,
  PARTITIONED_TABLES,
  runMigrations,
  uuidv7,
  WEEK_MS,
  weekPartitionName,
  weekStart,
} from '@herald/core';
import { HistoryRetentionService } from '@herald/notifications';
import { MIGRATIONS } from '../../libs/core/src/database/migrations';
import { adminQuery, databaseUrl, dropDatabase } from '../support/local-services';

const FIRST_PARTITIONING = 1765100000000;
const DAY_MS = 86_400_000;

/**
 * An installation upgraded with rows in its history: migrated up to the migration before the partitioning, given
 * rows, then migrated to the end. The rows stay where they were, in the legacy partitions, readable and writable;
 * new rows go to weekly partitions; retention drops the legacy partitions once their bound is past.
 */
describe('partitioning an installation that holds history', () => {
  const postgresUrl = inject('postgresUrl');
  const name = `herald_partition_migration_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(postgresUrl, name);
  const pg = new Client({ connectionString: url });
  const old = { notification: uuidv7(Date.now() - 3 * DAY_MS), delivery: '', message: uuidv7() };
  old.delivery = uuidv7(Date.now() - 2 * DAY_MS);

  beforeAll(async () => {
    await adminQuery(postgresUrl, `CREATE DATABASE ${name}`);
    const before = new DataSource({
      ...dataSourceOptions(url),
      migrations: MIGRATIONS.filter((migration) => Number(/\d{13}$/.exec(migration.name)![0]) < FIRST_PARTITIONING),
    });
    await before.initialize();
    await before.runMigrations();
    await before.destroy();
    await pg.connect();
    await pg.query(
      `INSERT INTO notifications (id, api_key_id, status, priority, data, recipient)
       VALUES ($1, 'k', 'completed', 'normal', '{"a":1}', '{}')`,
      [old.notification],
    );
    await pg.query(
      `INSERT INTO deliveries (id, notification_id, channel, status, address) VALUES ($1, $2, 'in_app', 'delivered', '{}')`,
      [old.delivery, old.notification],
    );
    await pg.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, outcome) VALUES ($1, 1, now(), 'ok')`,
      [old.delivery],
    );
    await pg.query(`INSERT INTO inbox_messages (id, delivery_id, recipient_id, body) VALUES ($1, $2, 'r', 'old')`, [
      old.message,
      old.delivery,
    ]);
  });

  afterAll(async () => {
    await pg.end();
    await dropDatabase(postgresUrl, name);
  });

  it('keeps the rows readable and writable in legacy partitions, and adds weekly ones', async () => {
    const applied = await runMigrations(url);
    expect(applied).toEqual(expect.arrayContaining(['PartitionHistory1765100002000']));

    for (const { name: table } of PARTITIONED_TABLES) {
      const { rows } = await pg.query<{ name: string; bound: string }>(
        `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1`,
        [table],
      );
      expect(rows[0].name).toBe(`${table}_legacy`);
      expect(rows[0].bound).toMatch(/^FOR VALUES FROM \(MINVALUE\)/);
      expect(rows.map((row) => row.name)).toContain(weekPartitionName(table, weekStart(Date.now()) + 2 * WEEK_MS));
    }
    // Every index of the tables is a partitioned one, and the legacy partitions' indexes are attached to them.
    const { rows: unattached } = await pg.query(
      `SELECT c.relname FROM pg_class c JOIN pg_index x ON x.indexrelid = c.oid
       WHERE x.indrelid = ANY(ARRAY['notifications_legacy', 'deliveries_legacy', 'delivery_attempts_legacy']::regclass[])
         AND NOT c.relispartition`,
    );
    expect(unattached).toEqual([]);

    const { rows } = await pg.query(
      `SELECT n.data, d.status, a.outcome, m.body FROM notifications n
       JOIN deliveries d ON d.notification_id = n.id
       JOIN delivery_attempts a ON a.delivery_id = d.id
       JOIN inbox_messages m ON m.delivery_id = d.id
       WHERE n.id = $1`,
      [old.notification],
    );
    expect(rows).toEqual([{ data: { a: 1 }, status: 'delivered', outcome: 'ok', body: 'old' }]);
    await pg.query(`UPDATE deliveries SET status = 'failed' WHERE id = $1`, [old.delivery]);
    await pg.query(`INSERT INTO delivery_attempts (delivery_id, attempt, started_at) VALUES ($1, 2, now())`, [
      old.delivery,
    ]);

    const fresh = uuidv7(weekStart(Date.now()) + 2 * WEEK_MS + 1000);
    await pg.query(
      `INSERT INTO notifications (id, api_key_id, status, priority, data, recipient) VALUES ($1, 'k', 'accepted', 'normal', '{}', '{}')`,
      [fresh],
    );
    const { rows: where } = await pg.query<{ partition: string }>(
      `SELECT tableoid::regclass::text AS partition FROM notifications WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [[old.notification, fresh]],
    );
    expect(where.map((row) => row.partition)).toEqual([
      'notifications_legacy',
      weekPartitionName('notifications', weekStart(Date.now()) + 2 * WEEK_MS),
    ]);
  });

  it('lets retention drop the legacy partitions once their bound is older than the retention', async () => {
    const retention = new HistoryRetentionService(
      { retention: { historyDays: 30, inboxDays: 30 } } as HeraldConfig,
      new DatabaseRuntime(url),
    );
    expect((await retention.run())?.dropped).toEqual([]);
    const later = Date.now() + 60 * DAY_MS;
    const run = await retention.run(later);
    expect(run?.dropped).toEqual(
      expect.arrayContaining(PARTITIONED_TABLES.map(({ name: table }) => `${table}_legacy`)),
    );
    const { rows } = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE id = $1`, [
      old.notification,
    ]);
    expect(rows[0].n).toBe(0);
  });
});
