import { EntityManager } from 'typeorm';

/**
 * The rows of any statement. TypeORM's `query()` answers UPDATE and DELETE with
 * a `[rows, count]` pair but other statements with the rows; this reads the
 * structured result so `UPDATE ... RETURNING` gives its rows like a SELECT.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return (await runner.query(sql, parameters, true)).records as T[];
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}
