import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The classification every HTTP provider shares: 2xx is success (returns
 * undefined), 408, 429 and 5xx are transient, every other status permanent.
 */
export function httpFailure(
  status: number,
  retryAfter: string | null,
  detail: string,
): TransientDeliveryError | PermanentDeliveryError | undefined {
  if (status >= 200 && status < 300) return undefined;
  const message = `HTTP ${status}${detail ? `: ${detail.slice(0, 500)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500)
    return new TransientDeliveryError(message, retryAfterMs(retryAfter));
  return new PermanentDeliveryError(message);
}

/** A request that never got an answer (refused, reset, timed out) is always worth retrying. */
export function networkFailure(error: unknown): TransientDeliveryError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return new TransientDeliveryError(`request failed: ${reason}`);
}
