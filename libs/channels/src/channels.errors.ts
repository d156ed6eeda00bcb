/** A failure worth retrying: timeouts, connection errors, 5xx, 429. */
export class TransientDeliveryError extends Error {
  constructor(
    message: string,
    /** A delay the provider asked for (Retry-After), when it gave one. */
    readonly retryAfterMs?: number,
    /** The provider that failed, when the channel has named providers (the attempt log records it). */
    readonly provider?: string,
  ) {
    super(message);
    this.name = 'TransientDeliveryError';
  }
}

/** A failure retrying cannot fix: other 4xx, an invalid or rejected address. */
export class PermanentDeliveryError extends Error {
  constructor(
    message: string,
    /** The provider that refused, when the channel has named providers. */
    readonly provider?: string,
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}
