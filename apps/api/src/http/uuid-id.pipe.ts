import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationError } from '@herald/core';

/** A malformed notification or delivery id names nothing: 404, as for an unknown one. */
export const uuidIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ValidationError([{ path: 'id', message: 'must be a UUID' }], 'Invalid id.', 404),
});
