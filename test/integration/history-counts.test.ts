import { randomBytes } from 'node:crypto';
import {
  clientSql,
  createWeekPartitions,
  HISTORY_TABLES,
  uuidv7,
  WEEK_MS,
  weekPartitionName,
  weeksOf,
  weekStart,
} from '@herald/core';
import { DeliveryTimeline, HistoryRetentionService } from '@herald/notifications';
import { describe, expect, it } from 'vitest';
import type { AcceptedNotification, HistoryStats } from '../support/api-types';
import { eventually } from '../support/eventually';
import { aNotification, aWebhook } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { settledNotification } from '../support/notifications';
import { WebhookReceiver } from '../support/webhook-receiver';

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const receiver = new WebhookReceiver(WEBHOOK_SECRET);
/** Deliveries end in a second on a quiet machine; the suite runs on a busy one. */
const SETTLE_MS = 60_000;
const TEST_MS = 120_000;

/**
 * The admin stats and the deliveries per minute come from counts that statement triggers keep (migration
 * 1765200000000), not from count(*). Each kind of change the history sees is made here through Herald (sends,
 * worker outcomes, retries, cancels, erasure, retention dropping a week) or as an operator would (DELETE,
 * TRUNCATE), and after each the API's answers must equal count(*) of the tables, both with
 * changes not folded yet and right after a fold.
 */
describe('history counts: exact against count(*) after every kind of change', { timeout: TEST_MS }, () => {
  const herald = useHerald({
    peers: [receiver],
    env: () => ({
      WEBHOOK_SECRET,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      DELIVERY_MAX_ATTEMPTS: '2',
      DELIVERY_BACKOFF_MS: '0',
    }),
  });

  async function tableCounts(): Promise<{ stats: Record<string, number>; minutes: Record<string, number> }> {
    const { rows } = await herald.pg.query<{ key: string; count: number }>(
      `SELECT 'notifications|' || status AS key, count(*)::int AS count FROM notifications GROUP BY status
       UNION ALL SELECT 'deliveries|' || channel || '|' || status, count(*)::int FROM deliveries GROUP BY channel, status`,
    );
    const { rows: minuteRows } = await herald.pg.query<{ key: string; count: number }>(
      `SELECT to_char(date_trunc('minute', created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') || '|' || status
         AS key, count(*)::int AS count
       FROM deliveries GROUP BY 1`,
    );
    return {
      stats: Object.fromEntries(rows.map((row) => [row.key, row.count])),
      minutes: Object.fromEntries(minuteRows.map((row) => [row.key, row.count])),
    };
  }

  async function apiCounts(): Promise<{ stats: Record<string, number>; minutes: Record<string, number> }> {
    const stats = await herald.admin.get<HistoryStats>('/v1/admin/stats');
    const timeline = await herald.admin.get<DeliveryTimeline>('/v1/admin/stats/deliveries-per-minute?minutes=1440');
    expect(stats.status).toBe(200);
    expect(timeline.status).toBe(200);
    const counted: Record<string, number> = {};
    for (const [status, count] of Object.entries(stats.body.notifications)) {
      if (count) counted[`notifications|${status}`] = count;
    }
    for (const [channel, statuses] of Object.entries(stats.body.deliveries)) {
      for (const [status, count] of Object.entries(statuses))
        if (count) counted[`deliveries|${channel}|${status}`] = count;
    }
    const minutes: Record<string, number> = {};
    for (const minute of timeline.body.minutes) {
      for (const [status, count] of Object.entries(minute.counts))
        if (count) minutes[`${minute.at.slice(0, 16)}|${status}`] = count;
    }
    return { stats: counted, minutes };
  }

  /**
   * Compared while nothing moves: the caller has waited for the work it started to end. Every delivery of this
   * database was created during the test, so all of them are in the API's last 1,440 minutes.
   */
  async function expectExact(what: string): Promise<void> {
    for (const folded of [false, true]) {
      // The worker folds every few seconds too: this one may find nothing left, or skip while the worker folds.
      if (folded) await herald.pg.query('SELECT history_counts_fold()');
      const expected = await tableCounts();
      const answered = await apiCounts();
      expect(answered.stats, `${what}: stats${folded ? ' after a fold' : ''}`).toEqual(expected.stats);
      expect(answered.minutes, `${what}: deliveries per minute${folded ? ' after a fold' : ''}`).toEqual(
        expected.minutes,
      );
    }
  }

  async function send(body: unknown): Promise<AcceptedNotification> {
    const response = await herald.admin.post<AcceptedNotification>('/v1/notifications', body);
    expect(response.status).toBe(202);
    return response.body;
  }

  const later = () => new Date(Date.now() + 3_600_000).toISOString();
  let failedDelivery = '';
  let failedNotification = '';
  let scheduled = '';

  it('counts sends and their outcomes: sent, skipped, failed after retries, scheduled', async () => {
    receiver.script('/fails', { status: 500 }, { status: 500 });
    const sent = [
      await send(aNotification()),
      await send(aNotification({ content: { email: { subject: 's', text: 't' }, sms: { text: 'x' } } })),
      await send(aWebhook(receiver.url('/ok'))),
      await send(aWebhook(receiver.url('/fails'))),
    ];
    // Many at once, in batches the accept path groups into shared statements.
    sent.push(...(await Promise.all(Array.from({ length: 20 }, () => send(aNotification())))));
    scheduled = (await send(aNotification({ sendAt: later() }))).id;
    const ended = await Promise.all(
      sent.map((notification) => settledNotification(herald.admin, notification.id, undefined, SETTLE_MS)),
    );
    expect(ended.map((notification) => notification.status)).toContain('failed');
    failedNotification = sent[3].id;
    failedDelivery = sent[3].deliveries[0].id;
    await expectExact('after sends');
  });

  it('counts a retry, from failed to queued to sent', async () => {
    const retried = await herald.admin.post(`/v1/admin/deliveries/${failedDelivery}/retry`);
    expect(retried.status).toBe(200);
    expect((await settledNotification(herald.admin, failedNotification, undefined, SETTLE_MS)).status).toBe(
      'completed',
    );
    await expectExact('after a retry');
  });

  it('counts a cancel', async () => {
    expect((await herald.admin.post(`/v1/notifications/${scheduled}/cancel`)).status).toBe(200);
    await expectExact('after a cancel');
  });

  it("counts an erasure, which cancels the recipient's waiting deliveries", async () => {
    expect((await herald.admin.put('/v1/recipients/erased', { email: 'erased@example.com' })).status).toBe(201);
    const waiting = await send({ ...aNotification({ sendAt: later() }), to: { recipientId: 'erased' } });
    expect((await herald.admin.delete('/v1/recipients/erased')).status).toBe(204);
    const { rows } = await herald.pg.query<{ status: string }>(
      `SELECT status FROM deliveries WHERE notification_id = $1`,
      [waiting.id],
    );
    expect(rows).toEqual([{ status: 'cancelled' }]);
    await expectExact('after an erasure');
  });

  it('counts rows deleted', async () => {
    const { rows } = await herald.pg.query<{ id: string }>(`SELECT id FROM notifications ORDER BY id LIMIT 1`);
    await herald.pg.query(`DELETE FROM deliveries WHERE notification_id = $1`, [rows[0].id]);
    await herald.pg.query(`DELETE FROM notifications WHERE id = $1`, [rows[0].id]);
    await expectExact('after deletes');
  });

  it('takes the rows of a week that retention drops off the counts', async () => {
    const old = Date.now() - 9 * WEEK_MS;
    await herald.pg.query('BEGIN');
    await createWeekPartitions(clientSql(herald.pg), HISTORY_TABLES, weeksOf([old]));
    await herald.pg.query('COMMIT');
    const notification = uuidv7(old);
    await herald.pg.query(
      `INSERT INTO notifications (id, api_key_id, status, priority, data, recipient)
       VALUES ($1, 'k', 'partially_failed', 'normal', '{}', '{}')`,
      [notification],
    );
    await herald.pg.query(
      `INSERT INTO deliveries (id, notification_id, channel, status, address)
       VALUES ($1, $3, 'email', 'sent', '{}'), ($2, $3, 'sms', 'failed', '{}')`,
      [uuidv7(old), uuidv7(old), notification],
    );
    await expectExact('with a week past retention');
    const retention = herald.app.get(HistoryRetentionService);
    // Null while the worker's own run holds the job.
    const run = await eventually(async () => (await retention.run()) ?? false, { what: 'a retention run' });
    expect(run.dropped).toEqual(
      expect.arrayContaining(['notifications', 'deliveries'].map((table) => weekPartitionName(table, weekStart(old)))),
    );
    await expectExact('after retention dropped a week');
    await expect(herald.pg.query(`SELECT history_counts_forget('inbox', 'notifications')`)).rejects.toThrow(
      /no counts for inbox/,
    );
  });

  it('zeroes the counts on TRUNCATE, and counts again from there', async () => {
    await herald.pg.query(`TRUNCATE notifications, deliveries, delivery_attempts`);
    await expectExact('after TRUNCATE');
    const stats = await herald.admin.get<HistoryStats>('/v1/admin/stats');
    expect(Object.values(stats.body.notifications).every((count) => count === 0)).toBe(true);
    await settledNotification(herald.admin, (await send(aNotification())).id, undefined, SETTLE_MS);
    await expectExact('after a send that follows a TRUNCATE');
  });

  it('stays exact while sends and folds run at the same time', async () => {
    const folds = (async () => {
      for (let i = 0; i < 20; i++) await herald.pg.query('SELECT history_counts_fold()');
    })();
    const sent = await Promise.all(Array.from({ length: 30 }, () => send(aNotification())));
    await folds;
    await Promise.all(
      sent.map((notification) => settledNotification(herald.admin, notification.id, undefined, SETTLE_MS)),
    );
    await expectExact('after concurrent sends and folds');
  });
});
