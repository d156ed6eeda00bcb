import type { DataSource } from 'typeorm';
import type { PartitionedTable } from './partitioned-tables';
import { typeormSql } from './sql-session';
import { weeksOf } from './week-bounds';
import { createWeekPartitions } from './weekly-partitions';

const CHECK_VIOLATION = '23514';

/** PostgreSQL refused a row because no partition of its table covers its key. */
export function isMissingPartition(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === CHECK_VIOLATION && /no partition of relation/.test(message ?? '');
}

/**
 * Runs `write`, which inserts into `tables` rows minted at `times`. When a row's week has no partition yet (the
 * worker creates them two weeks ahead, but may not have run: an api started alone, a worker stopped for long), the
 * weeks of `times` are created and `write` runs once more. No DEFAULT partition catches such rows instead: it would
 * have to be scanned, under lock, before any later partition could be attached.
 */
export async function withWeekPartitions<T>(
  dataSource: DataSource,
  tables: readonly PartitionedTable[],
  times: number[],
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isMissingPartition(error)) throw error;
    await dataSource.transaction((manager) => createWeekPartitions(typeormSql(manager), tables, weeksOf(times)));
    return write();
  }
}
