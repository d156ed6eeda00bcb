/** A table partitioned by week on a UUIDv7 column. */
export interface PartitionedTable {
  name: string;
  /** The partition key: a UUIDv7 column. */
  key: string;
}

/**
 * The history, in the order retention drops a week (attempts, then deliveries, then notifications). A delivery's
 * id carries its notification's timestamp and attempts are partitioned on their delivery's id, so one week of a
 * notification, its deliveries and their attempts lives in the same week of each table.
 */
export const HISTORY_TABLES: readonly PartitionedTable[] = [
  { name: 'delivery_attempts', key: 'delivery_id' },
  { name: 'deliveries', key: 'id' },
  { name: 'notifications', key: 'id' },
];

/** Inbox messages, by the id minted when each landed in the inbox; kept for INBOX_RETENTION_DAYS. */
export const INBOX_TABLE: PartitionedTable = { name: 'inbox_messages', key: 'id' };

export const PARTITIONED_TABLES: readonly PartitionedTable[] = [...HISTORY_TABLES, INBOX_TABLE];
