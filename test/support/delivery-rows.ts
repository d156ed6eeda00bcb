import { uuidv7 } from '@herald/core';
import type { DataSource } from 'typeorm';

/** A notification with one `queued` delivery per channel, written straight into the tables (repository tests). */
export async function queuedNotification(
  dataSource: DataSource,
  channels: string[],
): Promise<{ id: string; deliveries: string[] }> {
  const id = uuidv7();
  await dataSource.query(
    `INSERT INTO notifications (id, api_key_id, status, priority, data, recipient) VALUES ($1, 'k', 'accepted', 'normal', '{}', '{}')`,
    [id],
  );
  const deliveries: string[] = [];
  for (const channel of channels) {
    const deliveryId = uuidv7();
    deliveries.push(deliveryId);
    await dataSource.query(
      `INSERT INTO deliveries (id, notification_id, channel, status, address) VALUES ($1, $2, $3, 'queued', '{}')`,
      [deliveryId, id, channel],
    );
  }
  return { id, deliveries };
}
