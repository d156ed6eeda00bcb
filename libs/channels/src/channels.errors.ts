/** A failure worth retrying: timeouts, connection errors, 5xx, 429. */
export class TransientDeliveryError extends Error {
  constructor(
    message: string,
    /** A delay the provider asked for (Retry-After), when it gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientDeliveryError';
  }
}

/** A failure retrying cannot fix: other 4xx, an invalid or rejected address. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}
