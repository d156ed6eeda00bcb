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

/**
 * A form POST to a provider's REST API, answered with its status and body text. No redirects (providers do not
 * redirect their APIs: a 3xx means a wrong base URL, classified as permanent by `httpFailure`), bounded by
 * `timeoutMs`; a request that got no answer throws `networkFailure`'s transient error.
 */
export async function postForm(
  url: URL,
  form: URLSearchParams,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ response: Response; body: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      body: form,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { response, body: await response.text() };
  } catch (error) {
    throw networkFailure(error);
  }
}
