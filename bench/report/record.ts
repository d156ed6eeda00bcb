import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
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

/** Appends a dated section to the end of BENCHMARKS.md (the runs are kept in the order they were made). */
export function appendToBenchmarks(
  title: string,
  machine: Machine,
  revision: string,
  mode: string,
  table: string,
  notes?: string,
): void {
  const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    '',
    `### ${at} UTC · ${title}`,
    '',
    `Commit ${revision}; ${mode}. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}.`,
    '',
    table,
    '',
    ...(notes ? [notes, ''] : []),
  ].join('\n');
  appendFileSync(join(process.cwd(), 'BENCHMARKS.md'), section);
}
