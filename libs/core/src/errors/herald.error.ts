export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error a client can act on. Each lib throws these with its own code; the
 * problem filter turns the code into the problem document's `type`.
 */
export class HeraldError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
    this.name = 'HeraldError';
  }
}

export class ValidationError extends HeraldError {
  constructor(errors: FieldError[], detail = 'The request has invalid fields.', status = 422) {
    super('validation-error', status, 'Validation failed', detail, errors);
  }
}

export class NotFoundError extends HeraldError {
  constructor(what: string, id: string) {
    super('not-found', 404, 'Not found', `${what} "${id}" does not exist.`);
  }
}
