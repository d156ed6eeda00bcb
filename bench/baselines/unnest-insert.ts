import { join } from 'node:path';
import { dropDatabase, freshDatabase } from '../support/databases';
import { runNodeForJson } from '../support/processes';

/** Batch accept's baseline: raw unnest insert of notification-shaped rows in batches of 1,000, own process. */
export async function unnestInsert(count: number): Promise<number> {
  const url = await freshDatabase('insert');
  try {
    const result = await runNodeForJson<{ rowsPerSecond: number }>(
      'baseline-unnest-insert',
      [join(__dirname, 'unnest-insert.main.js')],
      {
        ...process.env,
        BENCH_ARGS: JSON.stringify({ url, count, batch: 1000 }),
      },
    );
    return result.rowsPerSecond;
  } finally {
    await dropDatabase(url);
  }
}
