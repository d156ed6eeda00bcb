import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions, loadConfig, PreparedStatements } from '@herald/core';
import { queuedNotification } from '../support/delivery-rows';
import { useHerald } from '../support/herald-harness';
import { testEnv } from '../support/test-env';
import { ClaimedDelivery, DeliveryRepository } from '../../libs/notifications/src/deliver/delivery.repository';

const LEASE_MS = 60_000;

/** On real PostgreSQL: a worker whose lease ended writes its attempt's outcome at most, never the delivery's. */
describe('a stale worker after a takeover', () => {
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

  async function queuedDelivery(): Promise<{ deliveryId: string }> {
    const { deliveries } = await queuedNotification(dataSource, ['email']);
    return { deliveryId: deliveries[0] };
  }

  /** Worker A's lease ends (as it would after A stopped renewing it for DELIVERY_SENDING_LEASE_MS). */
  async function expireLease(deliveryId: string): Promise<void> {
    await dataSource.query(`UPDATE deliveries SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [
      deliveryId,
    ]);
  }

  async function row(deliveryId: string) {
    const [delivery] = await dataSource.query<{ status: string; error: string | null; attempts: number }[]>(
      `SELECT status, error, attempts FROM deliveries WHERE id = $1`,
      [deliveryId],
    );
    const [notification] = await dataSource.query<{ status: string }[]>(
      `SELECT n.status FROM notifications n JOIN deliveries d ON d.notification_id = n.id WHERE d.id = $1`,
      [deliveryId],
    );
    const attempts = await dataSource.query<{ attempt: number; outcome: string; error: string | null }[]>(
      `SELECT attempt, outcome, error FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`,
      [deliveryId],
    );
    return { delivery, notification: notification.status, attempts };
  }

  /** A claims, its lease ends, B takes over. */
  async function takenOver(): Promise<{ a: ClaimedDelivery; b: ClaimedDelivery; deliveryId: string }> {
    const { deliveryId } = await queuedDelivery();
    const a = (await repository.claim(deliveryId, LEASE_MS))!;
    expect(await repository.claim(deliveryId, LEASE_MS)).toBeNull();
    await expireLease(deliveryId);
    const b = (await repository.claim(deliveryId, LEASE_MS))!;
    expect([a.attempt, b.attempt]).toEqual([1, 2]);
    return { a, b, deliveryId };
  }

  it("leaves B's finish as the delivery's outcome when A's late failure arrives", async () => {
    const { a, b, deliveryId } = await takenOver();
    expect(await repository.finish(b, 'sent', { outcome: 'ok', providerMessageId: 'b-message' })).toBe(true);
    const before = await row(deliveryId);

    expect(await repository.finish(a, 'failed', { outcome: 'permanent_error', error: 'late refusal' })).toBe(false);

    const after = await row(deliveryId);
    expect(after.delivery).toEqual(before.delivery);
    expect(after.delivery).toMatchObject({ status: 'sent', error: null, attempts: 2 });
    expect(after.notification).toBe('completed');
    // A's outcome is its own attempt's, at most.
    expect(after.attempts).toEqual([
      { attempt: 1, outcome: 'permanent_error', error: 'late refusal' },
      { attempt: 2, outcome: 'ok', error: null },
    ]);
  });

  it("does not let A's late retry or late success displace B while B is still sending", async () => {
    const { a, b, deliveryId } = await takenOver();
    expect(await repository.scheduleRetry(a, { outcome: 'transient_error', error: 'late timeout' }, new Date())).toBe(
      false,
    );
    expect(await repository.finish(a, 'sent', { outcome: 'ok' })).toBe(false);
    expect((await row(deliveryId)).delivery).toMatchObject({ status: 'sending', attempts: 2 });
    expect((await row(deliveryId)).notification).toBe('processing');

    // A's heartbeat does not extend B's lease either.
    await expireLease(deliveryId);
    await repository.renewLeases([{ id: a.id, attempt: a.attempt }], LEASE_MS);
    const [{ expired }] = await dataSource.query<{ expired: boolean }[]>(
      `SELECT lease_expires_at < now() AS expired FROM deliveries WHERE id = $1`,
      [deliveryId],
    );
    expect(expired).toBe(true);
    await repository.renewLeases([{ id: b.id, attempt: b.attempt }], LEASE_MS);
    expect(await repository.claim(deliveryId, LEASE_MS)).toBeNull();

    expect(await repository.finish(b, 'failed', { outcome: 'permanent_error', error: 'refused' })).toBe(true);
    expect(await row(deliveryId)).toMatchObject({
      delivery: { status: 'failed', error: 'refused' },
      notification: 'failed',
    });
  });

  it('accepts a late result when no other attempt took the delivery over', async () => {
    const { deliveryId } = await queuedDelivery();
    const a = (await repository.claim(deliveryId, LEASE_MS))!;
    await expireLease(deliveryId);
    expect(await repository.finish(a, 'sent', { outcome: 'ok' })).toBe(true);
    expect(await row(deliveryId)).toMatchObject({ delivery: { status: 'sent' }, notification: 'completed' });
  });
});
