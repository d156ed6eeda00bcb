import type { ApiClient, ApiResponse } from './api-client';
import type { AcceptedNotification, NotificationView } from './api-types';
import { eventually } from './eventually';

const ENDED = ['completed', 'partially_failed', 'failed', 'cancelled'];

/** `GET /v1/notifications/{id}`'s body. */
export async function readNotification(client: ApiClient, id: string): Promise<NotificationView> {
  return (await client.get<NotificationView>(`/v1/notifications/${id}`)).body;
}

/**
 * Polls `GET /v1/notifications/{id}` until the notification has ended (or has
 * exactly `status`, when given) and returns its body.
 */
export function settledNotification(
  client: ApiClient,
  id: string,
  status?: string,
  timeoutMs = 10_000,
): Promise<NotificationView> {
  return eventually(
    async () => {
      const body = await readNotification(client, id);
      return (status ? body.status === status : ENDED.includes(body.status)) && body;
    },
    { timeoutMs, what: `notification ${id} to be ${status ?? 'ended'}` },
  );
}

/** Polls until the first delivery of the notification has logged a transient error; returns the notification. */
export function afterTransientError(client: ApiClient, id: string): Promise<NotificationView> {
  return eventually(async () => {
    const body = await readNotification(client, id);
    return body.deliveries[0].attempts.some((attempt) => attempt.outcome === 'transient_error') && body;
  });
}

/** `POST /v1/notifications`; the body is the 202 answer when it is a 202 (check `status`, or `expectProblem`). */
export function sendNotification(
  client: ApiClient,
  body: unknown,
  headers?: Record<string, string>,
): Promise<ApiResponse<AcceptedNotification>> {
  return client.post<AcceptedNotification>('/v1/notifications', body, headers);
}
