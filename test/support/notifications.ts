import type { ApiClient } from './api-client';
import { eventually } from './eventually';

const ENDED = ['completed', 'partially_failed', 'failed', 'cancelled'];

/**
 * Polls `GET /v1/notifications/{id}` until the notification has ended (or has
 * exactly `status`, when given) and returns its body.
 */
export function settledNotification(client: ApiClient, id: string, status?: string, timeoutMs = 10_000): Promise<any> {
  return eventually(
    async () => {
      const { body } = await client.get(`/v1/notifications/${id}`);
      return (status ? body.status === status : ENDED.includes(body.status)) && body;
    },
    { timeoutMs, what: `notification ${id} to be ${status ?? 'ended'}` },
  );
}
