import type { Client } from 'pg';
import type { Sql } from './weekly-partitions';

/** What both TypeORM's query runner and entity manager offer: a statement, its rows. */
interface QuerySession {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** Statements on a TypeORM query runner (a migration's) or a transaction's entity manager. */
export function typeormSql(session: QuerySession): Sql {
  return async <T>(text: string, params?: unknown[]) => (await session.query(text, params)) as T[];
}

/** Statements on a pg client's session. */
export function clientSql(client: Client): Sql {
  return async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[];
}
