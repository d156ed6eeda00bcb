import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { useHerald } from '../support/herald-harness';
import { countRows } from '../support/sql';
import { queueBackends } from '../support/queue-backends';
import { sendNotification } from '../support/notifications';

/**
 * Deliveries of one notification finish at the same moment on different
 * channels' workers; each derives the notification's status. None may be lost:
 * every notification must end `completed`, none left `processing`.
 */
describe.each(queueBackends())(
  'notification status under concurrent deliveries on the $name queue backend',
  (backend) => {
    const { skip } = backend;
    // No provider settings: email and sms are captured and in_app is stored, so the three finish together.
    const herald = useHerald({ backend });

    it.skipIf(skip)(
      'ends every notification completed when its deliveries finish together',
      async () => {
        const count = 60;
        for (let i = 0; i < count; i++) {
          await herald.admin.put(`/v1/recipients/race-${i}`, { email: `race-${i}@example.com`, phone: '+14155550123' });
        }
        const content = { email: { subject: 's', text: 't' }, sms: { text: 't' }, in_app: { body: 'b' } };
        const sent = await Promise.all(
          Array.from({ length: count }, (_, i) =>
            sendNotification(herald.admin, { content, to: { recipientId: `race-${i}` } }),
          ),
        );
        expect(sent.every((response) => response.status === 202)).toBe(true);
        await eventually(
          async () => {
            return (await countRows(herald.pg, `deliveries WHERE status NOT IN ('sent', 'delivered')`)) === 0;
          },
          { timeoutMs: 90_000, what: 'every delivery to finish' },
        );
        const { rows } = await herald.pg.query(`SELECT status, count(*)::int AS n FROM notifications GROUP BY status`);
        expect(rows).toEqual([{ status: 'completed', n: count }]);
      },
      180_000,
    );
  },
);
