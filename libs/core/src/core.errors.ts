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

/** PostgreSQL cannot be reached: nothing can be read or accepted until it is back, which the client may wait for. */
export class DatabaseUnavailableError extends HeraldError {
  constructor(retryAfterSeconds = 5) {
    super(
      'database-unavailable',
      503,
      'Service unavailable',
      'The database cannot be reached; try again shortly.',
      undefined,
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

/** A setting that cannot be used; its message is the one line printed at start-up. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * Why the embedded PostgreSQL cannot run here, worded as what to do about it: like a ConfigError, its message is
 * the one line printed at start-up, since a stack trace would point into our code rather than at the fix.
 */
export class EmbeddedDatabaseError extends Error {
  constructor(message: string) {
    super(`Embedded PostgreSQL: ${message}`);
    this.name = 'EmbeddedDatabaseError';
  }
}
