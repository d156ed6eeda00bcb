import { HeraldError } from '@herald/core';

/** A microservice message without the MICROSERVICE_TOKEN of this Herald. */
export class TransportUnauthorizedError extends HeraldError {
  constructor() {
    super(
      'unauthorized',
      401,
      'Unauthorized',
      'The message must carry "token" equal to the MICROSERVICE_TOKEN of this Herald.',
    );
  }
}
