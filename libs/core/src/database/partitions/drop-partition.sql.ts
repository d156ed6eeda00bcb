/** The tables whose rows the history counts hold (migration 1765200000000-history-counts.ts). */
const COUNTED_TABLES = new Set(['notifications', 'deliveries']);

/**
 * Drops a detached partition of `table`. Dropping fires no trigger, so for a counted table its rows are taken
 * off the history counts first, in the same transaction (one simple query of two statements: both or neither),
 * so the counts lose them exactly when they go, and a DROP that times out on its lock leaves the counts alone.
 */
export function dropPartitionSql(table: string, partition: string): string {
  const drop = `DROP TABLE ${partition}`;
  return COUNTED_TABLES.has(table) ? `SELECT history_counts_forget('${table}', '${partition}'); ${drop}` : drop;
}
