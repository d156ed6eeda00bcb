import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions, loadConfig, PreparedStatements } from '@herald/core';
import { queuedNotification } from '../support/delivery-rows';
import { useHerald } from '../support/herald-harness';
import { testEnv } from '../support/test-env';
import { ClaimedDelivery, DeliveryRepository } from '../../libs/notifications/src/deliver/delivery.repository';

/** On real PostgreSQL: the statements that change a delivery's status, raced against each other. */
describe('DeliveryRepository', () => {
  // The database, and `pg`: the connection of another worker.
  const database = useHerald({ app: false });
  let dataSource: DataSource;
  let repository: DeliveryRepository;
  let prepared: PreparedStatements;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(database.db.url)).initialize();
    // Prepared, as a worker on PostgreSQL runs them.
    prepared = new PreparedStatements(dataSource, loadConfig(testEnv(database.db.url)));
    repository = new DeliveryRepository(dataSource, prepared);
  });

  afterAll(async () => {
    await prepared?.onApplicationShutdown();
    await dataSource?.destroy();
  });

  const notification = (channels: string[]) => queuedNotification(dataSource, channels);

  async function status(notificationId: string): Promise<string> {
    const [row] = await dataSource.query<{ status: string }[]>(`SELECT status FROM notifications WHERE id = $1`, [
      notificationId,
    ]);
    return row.status;
  }

  it('lets exactly one of many concurrent claims win', async () => {
    const { id, deliveries } = await notification(['email']);
    const claims = await Promise.all(Array.from({ length: 10 }, () => repository.claim(deliveries[0], 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await status(id)).toBe('processing');
    const attempts = await dataSource.query<unknown[]>(`SELECT attempt FROM delivery_attempts WHERE delivery_id = $1`, [
      deliveries[0],
    ]);
    expect(attempts).toEqual([{ attempt: 1 }]);
  });

  it('counts a sibling that finished while this finish waited for the notification lock', async () => {
    const { id, deliveries } = await notification(['email', 'sms']);
    const [email, sms] = (await Promise.all(
      deliveries.map((delivery) => repository.claim(delivery, 60_000)),
    )) as ClaimedDelivery[];

    // Another worker is finishing the email: it holds the notification lock, its change not yet committed.
    await database.pg.query('BEGIN');
    await database.pg.query('SELECT 1 FROM notifications WHERE id = $1 FOR UPDATE', [id]);
    await database.pg.query(`UPDATE deliveries SET status = 'sent' WHERE id = $1`, [email.id]);
    const finishing = repository.finish(sms, 'sent', { outcome: 'ok' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Seen from the other worker the sms is still sending, so the notification stays processing.
    await database.pg.query('COMMIT');
    await finishing;

    expect(await status(id)).toBe('completed');
  });

  it('derives partially_failed and failed from the final statuses', async () => {
    const mixed = await notification(['email', 'sms']);
    const [a, b] = (await Promise.all(
      mixed.deliveries.map((delivery) => repository.claim(delivery, 60_000)),
    )) as ClaimedDelivery[];
    await Promise.all([
      repository.finish(a, 'sent', { outcome: 'ok' }),
      repository.finish(b, 'failed', { outcome: 'permanent_error', error: 'refused' }),
    ]);
    expect(await status(mixed.id)).toBe('partially_failed');

    const failed = await notification(['email']);
    const only = (await repository.claim(failed.deliveries[0], 60_000))!;
    await repository.finish(only, 'failed', { outcome: 'permanent_error', error: 'refused' });
    expect(await status(failed.id)).toBe('failed');
  });

  it('runs the prepared statements on generic plans, and the rest on plans for their values', async () => {
    const setting = (rows: { plan_cache_mode: string }[]) => rows[0].plan_cache_mode;
    // Several at once, so more than one of the pool's connections answers.
    const sessions = await Promise.all(
      Array.from({ length: 4 }, () =>
        prepared.query<{ plan_cache_mode: string }>('test_plan_cache_mode', 'SHOW plan_cache_mode', []),
      ),
    );
    expect(sessions.map(setting)).toEqual(Array(4).fill('force_generic_plan'));
    expect(setting(await dataSource.query('SHOW plan_cache_mode'))).toBe('auto');
  });
});
