import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { join } from 'node:path';
import { Machine } from '../support/machine';

export const RESULTS_DIR = join(process.cwd(), 'bench', 'results');

/** The whole run, raw figures of each run included, for tools and for comparing runs. */
export function writeLatest(results: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, 'latest.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/**
 * Appends a dated section to the end of BENCHMARKS.md (the runs are kept in the order they were made), laid out
 * by Prettier like every other file, so `npm run lint` stays green after a recorded run.
 */
export async function appendToBenchmarks(
  title: string,
  machine: Machine,
  revision: string,
  mode: string,
  table: string,
  notes?: string,
): Promise<void> {
  const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    '',
    `### ${at} UTC · ${title}`,
    '',
    `Commit ${revision}; ${mode}. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, load average ${machine.load} at the end; Node ${machine.node}.`,
    '',
    table,
    '',
    ...(notes ? [notes, ''] : []),
  ].join('\n');
  const file = join(process.cwd(), 'BENCHMARKS.md');
  const text = readFileSync(file, 'utf8') + section;
  writeFileSync(file, await format(text, { ...(await resolveConfig(file)), filepath: file }));
}
