import { describe, expect, it } from 'vitest';
import type { BroadcastView } from '@herald/notifications';
import { eventually } from '../support/eventually';
import { aTemplate } from '../support/factories';
import { useHerald } from '../support/herald-harness';
import { queueBackends } from '../support/queue-backends';
import { subscribedTopic } from '../support/topics';

const SUBSCRIBERS = 50;

/**
 * A fan-out page that fails after its throttle places were taken and its notifications inserted (a trigger
 * refuses the broadcast's advance), then runs again when the reconciler re-adds the job: what it took rolls back
 * with it. Every delivery is scheduled a day ahead, so nothing is sent and the rows are the outcome.
 */
describe.each(queueBackends())('a broadcast page that fails and runs again, on the $name queue backend', (backend) => {
  const tag = backend.name.toLowerCase();
  const herald = useHerald({
    backend,
    env: { BROADCAST_BATCH_SIZE: '20', RECONCILE_INTERVAL_MS: '300' },
    timeoutMs: 60_000,
  });
  const sendAt = () => new Date(Date.now() + 86_400_000).toISOString();

  /** Refuses the advance of `topic`'s broadcasts while `refuse` (SQL, with OLD and NEW) holds. */
  async function refuseAdvance(topic: string, refuse: string): Promise<void> {
    await herald.pg.query(`
      CREATE FUNCTION refuse_${topic.replace(/-/g, '_')}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.topic_key = '${topic}' AND (${refuse}) THEN RAISE EXCEPTION 'advance refused by the test'; END IF;
        RETURN NEW;
      END $$`);
    await herald.pg.query(`
      CREATE TRIGGER refuse_${topic.replace(/-/g, '_')} BEFORE UPDATE ON broadcasts
      FOR EACH ROW EXECUTE FUNCTION refuse_${topic.replace(/-/g, '_')}()`);
  }

  async function completed(broadcastId: string): Promise<BroadcastView> {
    return eventually(
      async () => {
        const view = (await herald.admin.get<BroadcastView>(`/v1/broadcasts/${broadcastId}`)).body;
        return view.status === 'completed' && view;
      },
      { what: 'the fan-out to complete', timeoutMs: 60_000 },
    );
  }

  it.skipIf(backend.skip)(
    'counts each subscriber once against a throttle, however often its page ran',
    async () => {
      const topic = `throttled-${tag}`;
      await subscribedTopic(herald, topic, SUBSCRIBERS, (id) => `https://hooks.example.com/${id}`);
      await herald.admin.put(`/v1/admin/templates/${topic}`, {
        ...aTemplate({ channels: { webhook: { payload: { n: '1' } } } }),
        throttle: { limit: 1, window: 3600 },
      });
      // The first page's first run fails at its end; a sequence counts runs across rollbacks.
      await herald.pg.query(`CREATE SEQUENCE ${topic.replace(/-/g, '_')}_runs`);
      await refuseAdvance(topic, `nextval('${topic.replace(/-/g, '_')}_runs') = 1`);

      const sent = await herald.admin.post<{ broadcastId: string }>('/v1/notifications', {
        template: topic,
        to: { topic },
        sendAt: sendAt(),
      });
      expect(sent.status).toBe(202);
      expect(await completed(sent.body.broadcastId)).toMatchObject({ created: SUBSCRIBERS, skipped: 0 });

      const { rows: runs } = await herald.pg.query<{ n: string }>(
        `SELECT last_value AS n FROM ${topic.replace(/-/g, '_')}_runs`,
      );
      expect(Number(runs[0].n)).toBeGreaterThan(1);
      // Each subscriber's one place, taken by the run that committed: none of them throttled.
      const { rows: statuses } = await herald.pg.query<{ status: string; reason: string | null; n: number }>(
        `SELECT d.status, d.reason, count(*)::int AS n FROM deliveries d JOIN notifications n ON n.id = d.notification_id
         WHERE n.broadcast_id = $1 GROUP BY 1, 2`,
        [sent.body.broadcastId],
      );
      expect(statuses).toEqual([{ status: 'scheduled', reason: null, n: SUBSCRIBERS }]);
      const { rows: places } = await herald.pg.query<{ scopes: number; hits: number }>(
        `SELECT count(*)::int AS scopes, sum(cardinality(hits))::int AS hits FROM throttle_windows
         WHERE scope LIKE $1`,
        [`["${topic}",%`],
      );
      expect(places[0]).toEqual({ scopes: SUBSCRIBERS, hits: SUBSCRIBERS });
    },
    90_000,
  );

  it.skipIf(backend.skip)(
    'makes every notification with the template version it was accepted with',
    async () => {
      const topic = `pinned-${tag}`;
      await subscribedTopic(herald, topic, SUBSCRIBERS, (id) => `https://hooks.example.com/${id}`);
      const put = (version: string) =>
        herald.admin.put(
          `/v1/admin/templates/${topic}`,
          aTemplate({ channels: { webhook: { payload: { version } } } }),
        );
      await put('one');
      // Pages after the first fail while the hold stands: the second version is published between pages.
      await herald.pg.query(`CREATE TABLE ${topic.replace(/-/g, '_')}_hold ()`);
      await herald.pg.query(`INSERT INTO ${topic.replace(/-/g, '_')}_hold DEFAULT VALUES`);
      await refuseAdvance(topic, `OLD.cursor IS NOT NULL AND EXISTS (SELECT FROM ${topic.replace(/-/g, '_')}_hold)`);

      const sent = await herald.admin.post<{ broadcastId: string }>('/v1/notifications', {
        template: topic,
        to: { topic },
        sendAt: sendAt(),
      });
      expect(sent.status).toBe(202);
      await eventually(
        async () =>
          (
            await herald.pg.query(`SELECT 1 FROM broadcasts WHERE id = $1 AND cursor IS NOT NULL`, [
              sent.body.broadcastId,
            ])
          ).rowCount === 1,
        { what: 'the first page', timeoutMs: 30_000 },
      );
      expect((await put('two')).status).toBe(200);
      await herald.pg.query(`DELETE FROM ${topic.replace(/-/g, '_')}_hold`);
      expect(await completed(sent.body.broadcastId)).toMatchObject({ created: SUBSCRIBERS, skipped: 0 });

      const { rows } = await herald.pg.query<{ template_version: number; content: unknown; n: number }>(
        `SELECT n.template_version, d.content, count(*)::int AS n
         FROM notifications n JOIN deliveries d ON d.notification_id = n.id
         WHERE n.broadcast_id = $1 GROUP BY 1, 2`,
        [sent.body.broadcastId],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ template_version: 1, n: SUBSCRIBERS });
      expect(JSON.stringify(rows[0].content)).toContain('one');
    },
    90_000,
  );
});
