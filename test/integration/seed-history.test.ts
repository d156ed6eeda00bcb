import { describe, expect, inject, it } from 'vitest';
import { parseSeedOptions } from '../../bench/seed-history/options';
import { seedHistory } from '../../bench/seed-history/seed-history';
import { derivedStatusSql } from '../../libs/notifications/src/deliver/notification-status.sql';
import { useHerald } from '../support/herald-harness';
import { adminQuery, databaseUrl, dropDatabase } from '../support/local-services';

const TOTAL = 2_000;
const DAYS = 7;

/** What `npm run seed:history` promises about the rows it writes (bench/seed-history/), on a small run. */
describe('npm run seed:history', () => {
  const herald = useHerald({ app: false });

  async function one<T>(sql: string): Promise<T> {
    const { rows } = await herald.pg.query(sql);
    return rows[0] as T;
  }

  it('loads N notifications with 1 to 3 deliveries and their attempts, as Herald would have left them', async () => {
    const before = Date.now();
    const progress: number[] = [];
    await seedHistory({
      ...parseSeedOptions(
        [String(TOTAL), '--days', String(DAYS), '--recipients', '50', '--jobs', '2', '--chunk', '300'],
        {
          DATABASE_URL: herald.db.url,
        },
      ),
      progress: (done) => progress.push(done),
    });
    expect(progress.sort((a, b) => a - b).at(-1)).toBe(TOTAL);
    expect(progress).toHaveLength(7);

    expect(await one(`SELECT count(*)::int AS n FROM notifications`)).toEqual({ n: TOTAL });
    // 1 to 3 deliveries each, on distinct channels.
    expect(
      await one(`SELECT min(n)::int AS min, max(n)::int AS max, bool_and(n = channels) AS distinct_channels FROM (
                   SELECT count(*) AS n, count(DISTINCT channel) AS channels FROM deliveries GROUP BY notification_id
                 ) d`),
    ).toEqual({ min: 1, max: 3, distinct_channels: true });
    expect(
      await one(`SELECT count(*)::int AS n FROM notifications n WHERE NOT EXISTS (
                        SELECT 1 FROM deliveries d WHERE d.notification_id = n.id)`),
    ).toEqual({ n: 0 });

    // UUIDv7 ids whose time is created_at, spread over the days asked; a delivery carries its notification's time.
    const uuidMs = (column: string) => `('x' || substr(replace(${column}::text, '-', ''), 1, 12))::bit(48)::bigint`;
    expect(
      await one(`SELECT bool_and(${uuidMs('id')} = floor(extract(epoch FROM created_at) * 1000)) AS ids_are_times,
                        bool_and(substr(id::text, 15, 1) = '7') AS version_7 FROM notifications`),
    ).toEqual({ ids_are_times: true, version_7: true });
    const { first, last } = await one<{ first: Date; last: Date }>(
      `SELECT min(created_at) AS first, max(created_at) AS last FROM notifications`,
    );
    expect(first.getTime()).toBeGreaterThanOrEqual(before - DAYS * 86_400_000 - 1_000);
    expect(first.getTime()).toBeLessThan(before - (DAYS - 1) * 86_400_000);
    expect(last.getTime()).toBeGreaterThan(before - 86_400_000);
    expect(last.getTime()).toBeLessThanOrEqual(Date.now());
    expect(
      await one(`SELECT count(*)::int AS n FROM deliveries d JOIN notifications n ON n.id = d.notification_id
                 WHERE ${uuidMs('d.id')} <> ${uuidMs('n.id')} OR d.created_at <> n.created_at`),
    ).toEqual({ n: 0 });

    // Each notification's status is the status rule's over its deliveries (accepted or scheduled when it says none).
    expect(
      await one(`SELECT count(*)::int AS n FROM notifications n
                 CROSS JOIN LATERAL (${derivedStatusSql('deliveries WHERE notification_id = n.id')}) s
                 WHERE n.status <> COALESCE(s.status, CASE WHEN n.send_at > now() THEN 'scheduled' ELSE 'accepted' END)`),
    ).toEqual({ n: 0 });

    // Attempts: as many rows as the delivery counts, the last one's outcome its status's.
    expect(
      await one(`SELECT count(*)::int AS n FROM deliveries d
                 LEFT JOIN LATERAL (SELECT count(*) AS made, max(attempt) AS last FROM delivery_attempts a
                                    WHERE a.delivery_id = d.id) a ON true
                 LEFT JOIN delivery_attempts l ON l.delivery_id = d.id AND l.attempt = a.last
                 WHERE d.attempts <> a.made
                    OR (d.status IN ('sent', 'delivered') AND (d.attempts NOT BETWEEN 1 AND 3 OR l.outcome <> 'ok'))
                    OR (d.status = 'failed' AND l.outcome IS DISTINCT FROM 'permanent_error')
                    OR (d.status = 'sending' AND (d.attempts <> 1 OR l.finished_at IS NOT NULL))
                    OR (d.status IN ('queued', 'scheduled', 'skipped', 'cancelled') AND d.attempts <> 0)`),
    ).toEqual({ n: 0 });
    const retried = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery_attempts WHERE outcome = 'transient_error'`,
    );
    expect(retried.n).toBeGreaterThan(0);

    // A mix: every ended status, several templates (and inline content), stored recipients.
    const { rows: statuses } = await herald.pg.query<{ status: string }>(`SELECT DISTINCT status FROM deliveries`);
    expect(statuses.map((row) => row.status)).toEqual(
      expect.arrayContaining(['sent', 'delivered', 'failed', 'skipped', 'cancelled']),
    );
    const { rows: notificationStatuses } = await herald.pg.query<{ status: string }>(
      `SELECT DISTINCT status FROM notifications`,
    );
    expect(notificationStatuses.map((row) => row.status)).toEqual(
      expect.arrayContaining(['completed', 'partially_failed']),
    );
    expect(
      await one(`SELECT count(DISTINCT template_key)::int AS templates, bool_or(template_key IS NULL) AS inline,
                        count(DISTINCT recipient_id)::int AS recipients FROM notifications`),
    ).toEqual({ templates: 6, inline: true, recipients: 50 });
    expect(
      await one(`SELECT count(*)::int AS n FROM notifications n
                 WHERE NOT EXISTS (SELECT 1 FROM recipients r WHERE r.id = n.recipient_id)`),
    ).toEqual({ n: 0 });

    // Each failed email's address suppressed once, naming a failed delivery to it.
    const bounces = await one<{ bounced: number; suppressed: number; total: number }>(
      `SELECT count(DISTINCT d.address->>'email')::int AS bounced,
              (SELECT count(*)::int FROM suppressions s JOIN deliveries f ON f.id = s.delivery_id
               WHERE f.status = 'failed' AND f.address->>'email' = s.address AND s.reason = 'hard_bounce') AS suppressed,
              (SELECT count(*)::int FROM suppressions) AS total
       FROM deliveries d WHERE d.status = 'failed' AND d.channel = 'email'`,
    );
    expect(bounces.bounced).toBeGreaterThan(0);
    expect(bounces).toEqual({ bounced: bounces.bounced, suppressed: bounces.bounced, total: bounces.bounced });

    // The triggers saw every row: the counts, folded, are count(*).
    const { rows: counted } = await herald.pg.query(
      `SELECT channel, status, count::int AS count FROM history_counts WHERE subject = 'deliveries' ORDER BY 1, 2`,
    );
    const { rows: actual } = await herald.pg.query(
      `SELECT channel, status, count(*)::int AS count FROM deliveries GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(counted).toEqual(actual);
    expect(await one(`SELECT count(*)::int AS n FROM history_count_changes`)).toEqual({ n: 0 });
  });

  it('refuses a count that is not a positive integer, no DATABASE_URL, and a database without the schema', async () => {
    const env = { DATABASE_URL: herald.db.url };
    expect(() => parseSeedOptions(['many'], env)).toThrow('N must be a positive integer, not many');
    expect(() => parseSeedOptions(['10', '--jobs', '0'], env)).toThrow('--jobs must be a positive integer');
    expect(() => parseSeedOptions([], env)).toThrow('say how many notifications');
    expect(() => parseSeedOptions(['10'], {})).toThrow('DATABASE_URL is not set');
    expect(parseSeedOptions(['10'], env)).toEqual({
      databaseUrl: herald.db.url,
      total: 10,
      days: 28,
      recipients: 10_000,
      jobs: 3,
      chunk: 20_000,
      vacuum: true,
    });
    const postgresUrl = inject('postgresUrl');
    const bare = `${herald.db.name}_bare`;
    await adminQuery(postgresUrl, `CREATE DATABASE ${bare}`);
    try {
      const options = parseSeedOptions(['10'], { DATABASE_URL: databaseUrl(postgresUrl, bare) });
      await expect(seedHistory(options)).rejects.toThrow('the database is not migrated: run npm run migrate first');
    } finally {
      await dropDatabase(postgresUrl, bare);
    }
  });
});
