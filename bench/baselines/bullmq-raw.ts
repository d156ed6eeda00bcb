import { join } from 'node:path';
import { dropDatabase, freshDatabase, REDIS_URL } from '../support/databases';
import { runNodeForJson } from '../support/processes';

/** End to end's baseline: raw BullMQ add + process of no-op jobs, in a process of its own. */
export async function bullmqRaw(backend: 'redis' | 'postgres', count: number): Promise<number> {
  const url = backend === 'redis' ? REDIS_URL : await freshDatabase('bullmq');
  try {
    const result = await runNodeForJson<{ jobsPerSecond: number }>(
      `baseline-bullmq-${backend}`,
      [join(__dirname, 'bullmq-raw.main.js')],
      { ...process.env, BENCH_ARGS: JSON.stringify({ backend, url, count, concurrency: 50 }) },
    );
    return result.jobsPerSecond;
  } finally {
    if (backend === 'postgres') await dropDatabase(url);
  }
}
