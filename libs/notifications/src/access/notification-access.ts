import type { ApiCaller } from '@herald/auth';
import { NotificationCancelForbiddenError, NotificationNotFoundError } from '../notifications.errors';

/** What a caller does with one notification. */
export type NotificationAction = 'read' | 'cancel';

/**
 * `allowed`; `hidden`: answered exactly as a missing notification (404), so its
 * existence is not revealed; `forbidden`: the caller may see it but not do this (403).
 */
export type NotificationAccess = 'allowed' | 'hidden' | 'forbidden';

/**
 * Object-level access to one notification (API.md §2), the one place the rule
 * lives: `admin` does everything; `read` reads every notification; `send` reads
 * and cancels the ones its own key created. `createdBy` is the notification's
 * `api_key_id`: an API key's id, or `transport` for one that came over the
 * microservice transport, which no key id equals (ids are UUIDs), so only
 * `read` and `admin` keys reach those.
 *
 * The route's guard has already checked that the key holds one of the route's
 * scopes; this decides per notification.
 */
export function notificationAccess(
  caller: ApiCaller,
  createdBy: string,
  action: NotificationAction,
): NotificationAccess {
  if (caller.scopes.includes('admin')) return 'allowed';
  const own = caller.scopes.includes('send') && createdBy === caller.apiKeyId;
  const visible = own || caller.scopes.includes('read');
  if (action === 'read') return visible ? 'allowed' : 'hidden';
  return own ? 'allowed' : visible ? 'forbidden' : 'hidden';
}

/** Throws what `notificationAccess` refuses: NotificationNotFoundError (404) or NotificationCancelForbiddenError (403). */
export function assertNotificationAccess(
  caller: ApiCaller,
  notification: { id: string; apiKeyId: string },
  action: NotificationAction,
): void {
  const access = notificationAccess(caller, notification.apiKeyId, action);
  if (access === 'hidden') throw new NotificationNotFoundError(notification.id);
  if (access === 'forbidden') throw new NotificationCancelForbiddenError(notification.id);
}
