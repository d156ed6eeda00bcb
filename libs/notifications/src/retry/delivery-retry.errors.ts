import { HeraldError } from '@herald/core';

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
