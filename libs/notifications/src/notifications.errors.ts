import { FieldError, HeraldError } from '@herald/core';

/** A send that is well-formed JSON but cannot be carried out as asked. */
export class NotificationRejectedError extends HeraldError {
  constructor(errors: FieldError[]) {
    super(
      'notification-rejected',
      422,
      'Notification rejected',
      errors.map((error) => `${error.path}: ${error.message}`).join('; '),
      errors,
    );
  }
}

export class NotificationNotFoundError extends HeraldError {
  constructor(id: string) {
    super('notification-not-found', 404, 'Notification not found', `Notification "${id}" does not exist.`);
  }
}

/**
 * 403: a key that may read this notification (scope `read`) but not cancel it:
 * `send` cancels only the notifications its own key created, `admin` any.
 */
export class NotificationCancelForbiddenError extends HeraldError {
  constructor(id: string) {
    super(
      'forbidden',
      403,
      'Forbidden',
      `This API key cancels only the notifications it created; notification "${id}" is another's (scope admin cancels any).`,
    );
  }
}

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

export class DeliveryNotFoundError extends HeraldError {
  constructor(id: string) {
    super('delivery-not-found', 404, 'Delivery not found', `Delivery "${id}" does not exist.`);
  }
}

/** Only a `failed` delivery can be retried; any other is under way or has ended on its own terms. */
export class DeliveryNotRetryableError extends HeraldError {
  constructor(id: string, status: string) {
    super(
      'delivery-not-retryable',
      409,
      'Delivery cannot be retried',
      `Delivery "${id}" is ${status}; only a failed delivery can be retried.`,
    );
  }
}
