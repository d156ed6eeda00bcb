import { describe, expect, it } from 'vitest';
import { useHerald } from '../support/herald-harness';
import { derivedStatusSql } from '../../libs/notifications/src/deliver/notification-status.sql';

/**
 * The notification status rule, run by PostgreSQL as the code runs it: the rule
 * exists only as SQL (notification-status.sql.ts), so it is specified here against
 * the database rather than mirrored in TypeScript for a unit spec.
 */
describe('derivedStatusSql: a notification status from its deliveries', () => {
  const database = useHerald({ app: false });

  async function derive(statuses: string[]): Promise<string | null> {
    const values = statuses.map((_, index) => `($${index + 1})`).join(', ');
    const { rows } = await database.pg.query<{ status: string | null }>(
      derivedStatusSql(`(VALUES ${values}) AS deliveries(status)`),
      statuses,
    );
    return rows[0].status;
  }

  it.each<[string[], string | null]>([
    // Nothing has started: no status, the notification keeps accepted (or scheduled).
    [['queued'], null],
    [['queued', 'queued'], null],
    [['scheduled', 'queued'], null],
    // Work remains and some has started or ended (a skipped delivery has ended).
    [['queued', 'skipped'], 'processing'],
    [['sending'], 'processing'],
    [['queued', 'sending'], 'processing'],
    [['sent', 'queued'], 'processing'],
    [['failed', 'scheduled'], 'processing'],
    [['cancelled', 'sending'], 'processing'],
    // Ended without a failure.
    [['sent'], 'completed'],
    [['delivered', 'sent'], 'completed'],
    [['sent', 'skipped'], 'completed'],
    [['skipped', 'skipped'], 'completed'],
    [['sent', 'cancelled'], 'completed'],
    // Cancelled only when every delivery is: a skipped one makes it completed.
    [['cancelled', 'skipped'], 'completed'],
    [['cancelled'], 'cancelled'],
    [['cancelled', 'cancelled'], 'cancelled'],
    // Ended with failures.
    [['failed', 'sent'], 'partially_failed'],
    [['failed', 'delivered', 'skipped'], 'partially_failed'],
    [['failed'], 'failed'],
    [['failed', 'cancelled'], 'failed'],
    [['failed', 'skipped'], 'failed'],
  ])('%j → %s', async (statuses, expected) => {
    expect(await derive(statuses)).toBe(expected);
  });
});
