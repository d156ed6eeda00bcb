import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningHerald, startHerald } from '../support/herald-app';
import { queueBackends } from '../support/queue-backends';

/**
 * Deliveries of one notification finish at the same moment on different
 * channels' workers; each derives the notification's status. None may be lost:
 * every notification must end `completed`, none left `processing`.
 */
describe.each(queueBackends())(
  'notification status under concurrent deliveries on the $name queue backend',
  ({ env, skip }) => {
    let db: TestDatabase;
    let herald: RunningHerald;
    let pg: Client;

    beforeAll(async () => {
      if (skip) return;
      db = await createTestDatabase();
      // No provider settings: email and sms are captured and in_app is stored, so the three finish together.
      herald = await startHerald({ databaseUrl: db.url, env });
      pg = new Client({ connectionString: db.url });
      await pg.connect();
    });

    afterAll(async () => {
      if (skip) return;
      await pg?.end();
      await herald?.close();
      await db?.drop();
    });

    it.skipIf(skip)('ends every notification completed when its deliveries finish together', async () => {
      const count = 60;
      for (let i = 0; i < count; i++) {
        await herald.admin.put(`/v1/recipients/race-${i}`, { email: `race-${i}@example.com`, phone: '+14155550123' });
      }
      const content = { email: { subject: 's', text: 't' }, sms: { text: 't' }, in_app: { body: 'b' } };
      const sent = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          herald.admin.post('/v1/notifications', { content, to: { recipientId: `race-${i}` } }),
        ),
      );
      expect(sent.every((response) => response.status === 202)).toBe(true);
      await eventually(
        async () => {
          const { rows } = await pg.query(
            `SELECT count(*)::int AS n FROM deliveries WHERE status NOT IN ('sent', 'delivered')`,
          );
          return rows[0].n === 0;
        },
        { timeoutMs: 30_000, what: 'every delivery to finish' },
      );
      const { rows } = await pg.query(`SELECT status, count(*)::int AS n FROM notifications GROUP BY status`);
      expect(rows).toEqual([{ status: 'completed', n: count }]);
    });
  },
);
