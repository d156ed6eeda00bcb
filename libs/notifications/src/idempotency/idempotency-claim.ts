import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from '../notifications.errors';
import { IdempotencyRepository } from './idempotency.repository';

/** An in-flight record older than this belonged to a process that died before answering. */
export const ABANDONED_AFTER_MS = 60_000;

/**
 * Claims an Idempotency-Key for a send, whichever kind: `undefined` when this request now holds the key, else
 * the stored answer of the request that made it. A key used with another body, or whose request is still in
 * flight, throws (422, 409).
 */
export async function claimOrReplay<T>(
  idempotency: IdempotencyRepository,
  apiKeyId: string,
  key: string,
  requestHash: string,
): Promise<T | undefined> {
  const existing = await idempotency.claim(apiKeyId, key, requestHash, ABANDONED_AFTER_MS);
  if (!existing) return undefined;
  if (existing.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
  if (existing.responseStatus === null) throw new IdempotencyKeyInFlightError();
  return existing.responseBody as T;
}
