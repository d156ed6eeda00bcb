import { expect } from 'vitest';
import type { HeraldHarness } from './herald-harness';

/**
 * `count` stored recipients `<topic>-00000` …, each with the webhook URL `webhookUrl(id)` (inserted in one statement),
 * subscribed to the new topic `topic` through its routes. Answers their ids.
 */
export async function subscribedTopic(
  herald: Pick<HeraldHarness, 'pg' | 'admin'>,
  topic: string,
  count: number,
  webhookUrl: (id: string) => string,
): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, n) => `${topic}-${String(n).padStart(5, '0')}`);
  await herald.pg.query(
    `INSERT INTO recipients (id, webhook_url) SELECT id, url FROM unnest($1::text[], $2::text[]) AS r(id, url)`,
    [ids, ids.map(webhookUrl)],
  );
  expect((await herald.admin.put(`/v1/topics/${topic}`, { name: topic })).status).toBe(201);
  for (let start = 0; start < ids.length; start += 1000) {
    const added = await herald.admin.put(`/v1/topics/${topic}/subscribers`, {
      recipientIds: ids.slice(start, start + 1000),
    });
    expect(added.body).toEqual({ added: Math.min(1000, ids.length - start) });
  }
  return ids;
}
