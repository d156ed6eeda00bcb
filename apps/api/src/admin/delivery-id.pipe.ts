import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationError } from '@herald/core';

/** A malformed id names no delivery: 404, as for notification ids. */
export const deliveryIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ValidationError([{ path: 'id', message: 'must be a UUID' }], 'Invalid id.', 404),
});
