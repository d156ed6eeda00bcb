import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Socket errors, and the SQLSTATE classes of a server that went away or will not take connections yet. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNREACHABLE_SQLSTATE = /^(08|57P0[1-3])/;
/** node-postgres says these in words only. */
const UNREACHABLE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error',
  'timeout exceeded when trying to connect',
  'Connection is not established',
];

/**
 * Whether an error means PostgreSQL could not be reached (refused, cut, restarting), as opposed to a statement
 * it refused. TypeORM wraps the driver's error (`driverError`); a connect to several addresses fails with an
 * AggregateError.
 */
export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || UNREACHABLE_SQLSTATE.test(code))) return true;
  if (UNREACHABLE_MESSAGES.some((message) => error.message.includes(message))) return true;
  const nested = [(error as { driverError?: unknown }).driverError, error.cause];
  if (error instanceof AggregateError) nested.push(...(error.errors as unknown[]));
  return nested.some((inner) => isDatabaseUnreachable(inner, depth + 1));
}

/** A round trip to PostgreSQL, for what waits for it to come back (the worker pauses until it does). */
@Injectable()
export class DatabaseAvailability {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async reachable(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
