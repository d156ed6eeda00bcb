import { dropPartitionSql } from './drop-partition.sql';
import type { PartitionedTable } from './partitioned-tables';
import { parsePartitionRange, PartitionRange, uuidAt, WEEK_MS, weekPartitionName } from './week-bounds';

/** Runs one statement on one session and answers its rows: a TypeORM query runner or entity manager, a pg client. */
export type Sql = <T = unknown>(text: string, params?: unknown[]) => Promise<T[]>;

/** Serialises the processes creating partitions (the worker ahead of time, an insert that found none). */
const CREATE_LOCK = 7215003;
const LOCK_NOT_AVAILABLE = '55P03';

export interface Partition extends PartitionRange {
  name: string;
  /** A DETACH ... CONCURRENTLY interrupted after its first transaction: FINALIZE completes it. */
  detachPending: boolean;
}

export async function listPartitions(sql: Sql, table: string): Promise<Partition[]> {
  const rows = await sql<{ name: string; bound: string; pending: boolean }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, i.inhdetachpending AS pending
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::text::regclass`,
    [table],
  );
  return rows.map((row) => ({ name: row.name, detachPending: row.pending, ...parsePartitionRange(row.bound) }));
}

/**
 * Creates the partition of each week (a Monday, see week-bounds.ts) of each table that no partition covers yet.
 * Must run inside a transaction: an advisory lock held to its end makes concurrent creators take turns, and each
 * partition is created then attached, as ATTACH takes only SHARE UPDATE EXCLUSIVE on the parent where CREATE TABLE
 * ... PARTITION OF takes ACCESS EXCLUSIVE: inserts and reads of the table go on meanwhile. Answers the names created.
 */
export async function createWeekPartitions(
  sql: Sql,
  tables: readonly PartitionedTable[],
  weeks: number[],
): Promise<string[]> {
  await sql(`SELECT pg_advisory_xact_lock(${CREATE_LOCK})`);
  const created: string[] = [];
  for (const table of tables) {
    const existing = await listPartitions(sql, table.name);
    for (const week of weeks) {
      const end = week + WEEK_MS;
      if (existing.some((p) => (p.from ?? -Infinity) < end && p.to > week)) continue;
      const name = weekPartitionName(table.name, week);
      await sql(
        `CREATE TABLE ${name} (LIKE ${table.name} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STATISTICS)`,
      );
      await sql(
        `ALTER TABLE ${table.name} ATTACH PARTITION ${name} FOR VALUES FROM ('${uuidAt(week)}') TO ('${uuidAt(end)}')`,
      );
      created.push(name);
    }
  }
  return created;
}

export interface DropOptions {
  /** Tries of each DETACH and DROP that finds its lock taken (lock_timeout, set by the caller's session). */
  attempts: number;
  retryDelayMs: number;
}

/**
 * Detaches and drops every partition of `table` whose whole range is older than `before`, and any partition of it
 * an earlier run detached but did not drop. DETACH ... CONCURRENTLY takes SHARE UPDATE EXCLUSIVE on the parent,
 * which no insert, update or read waits for (a plain DROP of a partition would take ACCESS EXCLUSIVE on the parent,
 * and every accept would queue behind it). `sql` must be a session outside any transaction block; its lock_timeout
 * bounds each wait, retried `attempts` times. Answers the names dropped.
 */
export async function dropPartitionsBefore(
  sql: Sql,
  table: string,
  before: number,
  options: DropOptions,
): Promise<string[]> {
  const expired = (await listPartitions(sql, table)).filter((partition) => partition.to <= before);
  for (const partition of expired) {
    await retryLocked(options, async () => {
      const [state] = await sql<{ pending: boolean }>(
        `SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = $1::text::regclass`,
        [partition.name],
      );
      if (!state) return; // detached by an earlier try whose answer was lost
      await sql(
        `ALTER TABLE ${table} DETACH PARTITION ${partition.name} ${state.pending ? 'FINALIZE' : 'CONCURRENTLY'}`,
      );
    });
  }
  // Detached here or by an earlier run that stopped before its DROP: named as this module names partitions.
  const leftovers = await sql<{ name: string }>(
    `SELECT relname AS name FROM pg_class
     WHERE relkind = 'r' AND NOT relispartition AND relname ~ $1`,
    [`^${table}_(w[0-9]{8}|legacy)$`],
  );
  for (const { name } of leftovers) await retryLocked(options, () => sql(dropPartitionSql(table, name)));
  return leftovers.map((row) => row.name);
}

async function retryLocked(options: DropOptions, step: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt >= options.attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * attempt));
    }
  }
}
