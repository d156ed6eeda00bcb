import type { Client } from 'pg';

/** `SELECT count(*) FROM <from>`: `from` is a table, with a WHERE clause when needed. */
export async function countRows(pg: Client, from: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, params);
  return rows[0].n;
}
