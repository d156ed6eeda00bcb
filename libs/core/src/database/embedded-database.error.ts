/**
 * Why the embedded PostgreSQL cannot run here, worded as what to do about it: its message is the one line printed
 * at start-up (like a ConfigError), since a stack trace would only point into our code, not at the fix.
 */
export class EmbeddedDatabaseError extends Error {
  constructor(message: string) {
    super(`Embedded PostgreSQL: ${message}`);
    this.name = 'EmbeddedDatabaseError';
  }
}
