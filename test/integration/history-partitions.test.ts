import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientSql,
  createWeekPartitions,
  dataSourceOptions,
  dropPartitionsBefore,
  HISTORY_TABLES,
  INBOX_TABLE,
  PARTITIONED_TABLES,
  uuidAt,
  uuidv7,
  WEEK_MS,
  weekPartitionName,
  weeksOf,
  weekStart,
} from '@herald/core';
import { HistoryRetentionService } from '@herald/notifications';
import { InboxMessageEntity } from '@herald/recipients';
import { InboxRepository } from '../../libs/recipients/src/inbox/inbox.repository';
import { eventually } from '../support/eventually';
import { anEmail } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { sendNotification } from '../support/notifications';

const DAY_MS = 86_400_000;

/** The history and inbox partitioned by week: partitions made when missing, old weeks dropped without blocking. */
describe('partitioned history', () => {
  const herald = useHerald();
  let retention: HistoryRetentionService;
  let dataSource: DataSource;
  let inbox: InboxRepository;

  beforeAll(async () => {
    retention = herald.app.get(HistoryRetentionService);
    dataSource = await new DataSource({
      ...dataSourceOptions(herald.db.url),
      entities: [InboxMessageEntity],
    }).initialize();
    inbox = new InboxRepository(dataSource.getRepository(InboxMessageEntity));
    // The worker's run at start is over (a run answers null while another holds the job).
    await eventually(async () => (await retention.run()) !== null, { what: 'the retention job to be free' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  async function partitions(table: string): Promise<string[]> {
    const { rows } = await herald.pg.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass ORDER BY 1`,
      [table],
    );
    return rows.map((row) => row.name);
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await herald.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS rows`, params);
    return rows[0].n;
  }

  it('partitions the four tables by week, two weeks ahead', async () => {
    const weeks = weeksOf([Date.now(), Date.now() + 7 * DAY_MS, Date.now() + 14 * DAY_MS]);
    for (const { name } of PARTITIONED_TABLES) {
      expect(await partitions(name)).toEqual(
        expect.arrayContaining(weeks.map((week) => weekPartitionName(name, week))),
      );
    }
  });

  it('creates the partition an accept or an inbox store finds missing', async () => {
    const thisWeek = weekStart(Date.now());
    for (const { name } of PARTITIONED_TABLES) {
      await dropPartitionsBefore(clientSql(herald.pg), name, thisWeek + WEEK_MS, { attempts: 5, retryDelayMs: 100 });
      expect(await partitions(name)).not.toContain(weekPartitionName(name, thisWeek));
    }

    const sent = await sendNotification(herald.admin, anEmail('missing-week@example.com'));
    expect(sent.status).toBe(202);
    for (const { name } of HISTORY_TABLES) {
      expect(await partitions(name)).toContain(weekPartitionName(name, thisWeek));
    }
    expect(await count(`SELECT 1 FROM deliveries WHERE notification_id = $1`, [sent.body.id])).toBe(1);

    const stored = await inbox.insert({ deliveryId: uuidv7(), notificationId: uuidv7(), recipientId: 'r', body: 'b' });
    expect(stored.created).toBe(true);
    expect(await partitions('inbox_messages')).toContain(weekPartitionName('inbox_messages', thisWeek));
  });

  it('stores the inbox message of a delivery once, however many stores race', async () => {
    const deliveryId = uuidv7();
    const stores = await Promise.all(
      Array.from({ length: 10 }, () =>
        inbox.insert({ deliveryId, notificationId: uuidv7(), recipientId: 'racer', body: 'once' }),
      ),
    );
    expect(stores.filter((store) => store.created)).toHaveLength(1);
    expect(new Set(stores.map((store) => store.message.id)).size).toBe(1);
    expect(await count(`SELECT 1 FROM inbox_messages WHERE delivery_id = $1`, [deliveryId])).toBe(1);
  });

  it('drops the weeks past retention while accepts go on, one job at a time, and expires idempotency records', async () => {
    const now = Date.now();
    const [oldHistory, oldInbox] = [now - 9 * WEEK_MS, now - 20 * WEEK_MS];
    await herald.pg.query('BEGIN');
    await createWeekPartitions(clientSql(herald.pg), HISTORY_TABLES, weeksOf([oldHistory]));
    await createWeekPartitions(clientSql(herald.pg), [INBOX_TABLE], weeksOf([oldHistory, oldInbox]));
    await herald.pg.query('COMMIT');
    const [notification, delivery] = [uuidv7(oldHistory), uuidv7(oldHistory)];
    await herald.pg.query(
      `INSERT INTO notifications (id, api_key_id, status, priority, data, recipient)
       VALUES ($1, 'k', 'completed', 'normal', '{}', '{}')`,
      [notification],
    );
    await herald.pg.query(
      `INSERT INTO deliveries (id, notification_id, channel, status, address) VALUES ($1, $2, 'email', 'sent', '{}')`,
      [delivery, notification],
    );
    await herald.pg.query(`INSERT INTO delivery_attempts (delivery_id, attempt, started_at) VALUES ($1, 1, now())`, [
      delivery,
    ]);
    const [expiredMessage, keptMessage] = [uuidv7(oldInbox), uuidv7(oldHistory)];
    for (const id of [expiredMessage, keptMessage]) {
      await herald.pg.query(
        `INSERT INTO inbox_messages (id, delivery_id, recipient_id, body) VALUES ($1, $2, 'r', 'b')`,
        [id, uuidv7()],
      );
    }
    await herald.pg.query(
      `INSERT INTO idempotency_keys (api_key_id, key, request_hash, expires_at, created_at)
       SELECT 'k', 'old-' || n, 'h', now() - interval '1 hour', now() - interval '25 hours' FROM generate_series(1, 2500) n`,
    );
    await herald.pg.query(
      `INSERT INTO idempotency_keys (api_key_id, key, request_hash, expires_at) VALUES ('k', 'live', 'h', now() + interval '1 hour')`,
    );
    const warmUp = await sendNotification(herald.admin, anEmail('warm-up@example.com'));
    expect(warmUp.status).toBe(202);

    // A long read of the notifications: DETACH ... CONCURRENTLY waits for it to end. A DROP of the partition would
    // take ACCESS EXCLUSIVE on the table, and every accept would queue behind it until then.
    const reader = new Client({ connectionString: herald.db.url });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query(`SELECT count(*) FROM notifications WHERE id < $1`, [uuidAt(now - 8 * WEEK_MS)]);
      const running = retention.run(now);
      const oldWeek = weekPartitionName('notifications', weekStart(oldHistory));
      await eventually(
        async () =>
          (await count(`SELECT 1 FROM pg_inherits WHERE inhrelid = $1::regclass AND inhdetachpending`, [oldWeek])) ===
          1,
        { what: `${oldWeek} to be detaching` },
      );
      for (let i = 0; i < 5; i++) {
        // Blocked, it would wait for the read, which ends only after these: a bound instead of a hang.
        const accepted = await Promise.race([
          sendNotification(herald.admin, anEmail(`during-retention-${i}@example.com`)),
          new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 5000)),
        ]);
        expect(accepted === 'blocked' ? accepted : accepted.status).toBe(202);
      }
      expect(await retention.run(now)).toBeNull();
      await reader.query('COMMIT');
      const run = await running;
      expect(run?.dropped).toEqual(
        expect.arrayContaining([
          ...HISTORY_TABLES.map(({ name }) => weekPartitionName(name, weekStart(oldHistory))),
          weekPartitionName('inbox_messages', weekStart(oldInbox)),
        ]),
      );
      expect(run?.dropped).not.toContain(weekPartitionName('inbox_messages', weekStart(oldHistory)));
      expect(run?.idempotencyRemoved).toBe(2500);
    } finally {
      await reader.end();
    }
    expect(await count(`SELECT 1 FROM notifications WHERE id = $1`, [notification])).toBe(0);
    expect(await count(`SELECT 1 FROM deliveries WHERE id = $1`, [delivery])).toBe(0);
    expect(await count(`SELECT 1 FROM delivery_attempts WHERE delivery_id = $1`, [delivery])).toBe(0);
    expect(
      await count(`SELECT 1 FROM inbox_messages WHERE id = ANY($1::uuid[])`, [[expiredMessage, keptMessage]]),
    ).toBe(1);
    expect(await count(`SELECT 1 FROM notifications WHERE recipient->>'email' LIKE 'during-retention-%'`)).toBe(5);
    expect(await count(`SELECT 1 FROM idempotency_keys WHERE api_key_id = 'k'`)).toBe(1);
    // Nothing detached is left behind.
    expect(
      await count(`SELECT 1 FROM pg_class WHERE relname ~ '_w[0-9]{8}$' AND relkind = 'r' AND NOT relispartition`),
    ).toBe(0);
  });
});
