import { Client } from 'pg';

interface ChangeRow {
  id: string;
  tbl: string;
  op: string;
  old: string | null;
  new: string | null;
}

/**
 * Watches every row of the public tables for the "a refused request changes nothing" check. A trigger per table
 * (installed in the fuzzer's own database, schema `fuzz`, after the migrations) records each row written with its
 * old and new values; a rolled-back write leaves no record. After a refused request the records since the one
 * before are compared as multisets: rows removed against rows added, so a write undone by another (a claim taken
 * and released) is no change, and what is left names the table, the operation and the columns.
 */
export class ChangeLog {
  private last = '0';

  private constructor(private readonly pg: Client) {}

  static async install(databaseUrl: string): Promise<ChangeLog> {
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    await pg.query(`
      CREATE SCHEMA IF NOT EXISTS fuzz;
      CREATE TABLE IF NOT EXISTS fuzz.changes (id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL, old jsonb, new jsonb);
      CREATE OR REPLACE FUNCTION fuzz.record_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO fuzz.changes (tbl, op, old, new) VALUES (TG_TABLE_NAME, TG_OP,
          CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
        RETURN NULL;
      END $$;
      CREATE OR REPLACE FUNCTION fuzz.record_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO fuzz.changes (tbl, op) VALUES (TG_TABLE_NAME, TG_OP);
        RETURN NULL;
      END $$;`);
    // Partitions are left out: the trigger on their partitioned table is cloned onto each (and onto later ones).
    const { rows } = await pg.query<{ tablename: string }>(
      `SELECT c.relname AS tablename FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         AND c.relname <> 'schema_migrations'`,
    );
    for (const { tablename } of rows) {
      const table = `public."${tablename.replace(/"/g, '""')}"`;
      await pg.query(`DROP TRIGGER IF EXISTS fuzz_row ON ${table}; DROP TRIGGER IF EXISTS fuzz_truncate ON ${table}`);
      await pg.query(
        `CREATE TRIGGER fuzz_row AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION fuzz.record_row()`,
      );
      await pg.query(
        `CREATE TRIGGER fuzz_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION fuzz.record_truncate()`,
      );
    }
    const log = new ChangeLog(pg);
    await log.changes();
    return log;
  }

  /** The tables whose rows changed since the last call, net (empty when nothing did); moves the mark on. */
  async changes(): Promise<string[]> {
    const { rows: head } = await this.pg.query<{ max: string | null }>('SELECT max(id)::text AS max FROM fuzz.changes');
    const max = head[0].max ?? '0';
    if (max === this.last) return [];
    const { rows } = await this.pg.query<ChangeRow>(
      'SELECT id::text, tbl, op, old::text AS old, new::text AS new FROM fuzz.changes WHERE id > $1 AND id <= $2 ORDER BY id',
      [this.last, max],
    );
    this.last = max;
    return netChanges(rows);
  }

  async close(): Promise<void> {
    await this.pg.end();
  }
}

/** Rows removed and added per table, cancelled pairwise; what remains described per table. */
function netChanges(rows: ChangeRow[]): string[] {
  const byTable = new Map<string, { removed: Map<string, number>; added: Map<string, number>; truncated: boolean }>();
  for (const row of rows) {
    const table = byTable.get(row.tbl) ?? { removed: new Map(), added: new Map(), truncated: false };
    byTable.set(row.tbl, table);
    if (row.op === 'TRUNCATE') table.truncated = true;
    if (row.old !== null) count(table.removed, row.old, 1);
    if (row.new !== null) count(table.added, row.new, 1);
  }
  const described: string[] = [];
  for (const [name, table] of byTable) {
    for (const [row, n] of table.removed) {
      const added = table.added.get(row) ?? 0;
      const both = Math.min(n, added);
      count(table.removed, row, -both);
      count(table.added, row, -both);
    }
    const removed = [...table.removed.keys()];
    const added = [...table.added.keys()];
    if (!removed.length && !added.length && !table.truncated) continue;
    const columns = changedColumns(removed, added);
    described.push(
      `${name}: ${table.truncated ? 'truncated, ' : ''}-${removed.length} +${added.length} rows` +
        (columns.length ? ` (columns ${columns.join(', ')})` : ''),
    );
  }
  return described;
}

function count(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/** For rows removed and added with the same id (an update), the columns whose values differ. */
function changedColumns(removed: string[], added: string[]): string[] {
  const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;
  const before = new Map(removed.map(parse).map((row) => [String(row.id ?? row.key), row]));
  const columns = new Set<string>();
  for (const row of added.map(parse)) {
    const old = before.get(String(row.id ?? row.key));
    if (!old) continue;
    for (const column of Object.keys(row)) {
      if (JSON.stringify(old[column]) !== JSON.stringify(row[column])) columns.add(column);
    }
  }
  return [...columns];
}
