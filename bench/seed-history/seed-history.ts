import { randomBytes } from 'node:crypto';
import { CHANNELS, clientSql, createWeekPartitions, HISTORY_TABLES, weeksBetween } from '@herald/core';
import { Client } from 'pg';
import { CHUNK_SQL } from './chunk.sql';

const TEMPLATES = ['welcome', 'order-shipped', 'password-reset', 'invoice', 'weekly-digest', 'security-alert'];
const DAY_MS = 86_400_000;
/**
 * Vacuumed in parallel at the end, one connection each. The change log too: the folds emptied it over and over,
 * and until autovacuum comes by, each stats read would scan its dead rows.
 */
const SEEDED_TABLES = [
  'notifications',
  'deliveries',
  'delivery_attempts',
  'recipients',
  'suppressions',
  'history_count_changes',
  'history_counts',
  'delivery_minute_counts',
];

export interface SeedOptions {
  databaseUrl: string;
  /** Notifications to write. */
  total: number;
  /** Spread evenly over the last `days` days. */
  days: number;
  /** Stored recipients `seed-0` to `seed-<recipients - 1>`, created when missing. */
  recipients: number;
  /** Connections writing chunks in parallel. */
  jobs: number;
  /** Notifications per statement. */
  chunk: number;
  /** VACUUM (ANALYZE) the tables at the end, as autovacuum would leave them; false: ANALYZE only. */
  vacuum: boolean;
  progress?: (done: number, total: number) => void;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  // Made-up rows: losing the last commits in a crash costs nothing, waiting for each flush costs time. The
  // planner cannot size generate_series: the statement's cost looks huge and JIT would compile it for nothing.
  await client.query('SET synchronous_commit = off');
  await client.query('SET jit = off');
  return client;
}

/**
 * Partitioned history (docs/partitioning.md) has weeks only from its installation on, and the app creates a
 * missing one when an insert finds none: the weeks of the past that the seed writes are created first.
 */
async function ensureWeekPartitions(client: Client, from: number, to: number): Promise<void> {
  const { rows } = await client.query<{ partitioned: boolean }>(
    `SELECT relkind = 'p' AS partitioned FROM pg_class WHERE oid = 'notifications'::regclass`,
  );
  if (!rows[0].partitioned) return;
  await client.query('BEGIN');
  try {
    await createWeekPartitions(clientSql(client), HISTORY_TABLES, weeksBetween(from, to));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * Loads made-up history (README, "A large history"; what the rows hold: chunk.sql.ts) through the parent tables,
 * so it works whether or not they are partitioned, and the history count triggers see every row: the stats are
 * exact when it ends. It folds the count changes as it goes, so they never pile up.
 */
export async function seedHistory(options: SeedOptions): Promise<void> {
  const admin = await connect(options.databaseUrl);
  try {
    const { rows } = await admin.query<{ migrated: boolean }>(
      `SELECT to_regclass('history_count_changes') IS NOT NULL AS migrated`,
    );
    if (!rows[0].migrated) throw new Error('the database is not migrated: run npm run migrate first');
    await admin.query(
      `INSERT INTO recipients (id, email, locale)
       SELECT 'seed-' || r, 'seed-' || r || '@example.com', 'en' FROM generate_series(0, $1::int - 1) AS r
       ON CONFLICT (id) DO NOTHING`,
      [options.recipients],
    );
    const end = Date.now();
    const span = options.days * DAY_MS;
    await ensureWeekPartitions(admin, end - span, end);
    const tag = randomBytes(2).toString('hex').slice(0, 3);
    let next = 0;
    let done = 0;
    const job = async () => {
      const client = await connect(options.databaseUrl);
      try {
        while (next < options.total) {
          const from = next;
          const to = Math.min(options.total, from + options.chunk);
          next = to;
          await client.query(CHUNK_SQL, [
            from,
            to,
            end - span,
            span,
            options.total,
            tag,
            end,
            options.recipients,
            CHANNELS,
            [...TEMPLATES, null],
          ]);
          // Skipped (0) while another job folds.
          await client.query('SELECT history_counts_fold()');
          done += to - from;
          options.progress?.(done, options.total);
        }
      } finally {
        await client.end();
      }
    };
    await Promise.all(Array.from({ length: options.jobs }, job));
    await admin.query('SELECT history_counts_fold()');
    // The hard bounces behind the failed emails, as the provider's events would have suppressed them (one per
    // address), of this run's deliveries only.
    await admin.query(
      `INSERT INTO suppressions (id, channel, address, reason, source, delivery_id, detail, created_at)
       SELECT DISTINCT ON (address->>'email') id, 'email', address->>'email', 'hard_bounce', 'sendgrid', id, error,
         updated_at
       FROM deliveries WHERE status = 'failed' AND channel = 'email' AND id::text LIKE '%-7' || $1 || '-%'
       ORDER BY address->>'email', id DESC
       ON CONFLICT DO NOTHING`,
      [tag],
    );
    if (options.vacuum) {
      // Statistics for the planner, hint bits and the visibility map (index-only scans).
      const clients = await Promise.all(SEEDED_TABLES.map(() => connect(options.databaseUrl)));
      try {
        await Promise.all(SEEDED_TABLES.map((table, index) => clients[index].query(`VACUUM (ANALYZE) ${table}`)));
      } finally {
        await Promise.all(clients.map((client) => client.end()));
      }
    } else {
      await admin.query(`ANALYZE ${SEEDED_TABLES.join(', ')}`);
    }
  } finally {
    await admin.end();
  }
}
