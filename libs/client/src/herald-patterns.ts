/**
 * The message patterns Herald answers on its microservice transport (API.md §8).
 * Herald's transport controller reads them from here, so client and server cannot drift.
 */
export const HeraldPatterns = {
  /** Message: a notification body (plus optional `idempotencyKey`); answers the 202 body. */
  send: 'notifications.send',
  /** Message: `{ notifications: [...] }`; answers `{ items }` in the same order. */
  batch: 'notifications.batch',
  /** Event: a notification body; no answer. */
  emit: 'notifications.emit',
} as const;

export type HeraldPattern = (typeof HeraldPatterns)[keyof typeof HeraldPatterns];
