import { HeraldError } from '@herald/core';

export class IdempotencyKeyReusedError extends HeraldError {
  constructor() {
    super(
      'idempotency-key-reused',
      422,
      'Idempotency key reused',
      'This Idempotency-Key was already used with a different request body.',
    );
  }
}

export class IdempotencyKeyInFlightError extends HeraldError {
  constructor() {
    super(
      'idempotency-key-in-flight',
      409,
      'Request in flight',
      'A request with this Idempotency-Key is still being processed; retry shortly.',
      undefined,
      { 'Retry-After': '1' },
    );
  }
}
