import { parseArgs } from 'node:util';
import type { Backend } from './herald/herald-stack';
import type { Sizes } from './herald/measure-backend';

export interface Options {
  quick: boolean;
  runs: number;
  backends: Backend[];
  sizes: Sizes;
  bullmqJobs: Record<Backend, number>;
  insertRows: number;
  /** Notifications of the RSS run per backend; 0 skips it. */
  rssNotifications: number;
  /** Append a section to BENCHMARKS.md under this title; undefined: do not append. */
  record?: string;
  /** Profile the api during single accept and count one accept's round trips (Redis backend). */
  profile: boolean;
}

const USAGE = `npm run bench -- [--quick] [--runs N] [--backend redis|postgres] [--rss N] [--record TITLE | --no-record] [--profile]
  --quick       1 run, small sizes, no 100,000-notification RSS run, nothing appended to BENCHMARKS.md (CI)
  --runs N      runs to take the median of (default 3)
  --backend B   measure one queue backend only (default both)
  --rss N       notifications of the RSS run (default 100000, 0 skips it)
  --record T    title of the section appended to BENCHMARKS.md (a full run appends one by default)
  --no-record   append nothing to BENCHMARKS.md
  --profile     also profile the api (--cpu-prof) during single accept and count one accept's round trips`;

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      backend: { type: 'string' },
      rss: { type: 'string' },
      record: { type: 'string' },
      'no-record': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const backends: Backend[] = values.backend ? [values.backend as Backend] : ['redis', 'postgres'];
  if (backends.some((b) => b !== 'redis' && b !== 'postgres')) throw new Error(USAGE);
  const sizes: Sizes = quick
    ? {
        connections: 32,
        singleSeconds: 5,
        warmupSeconds: 1,
        batch: { batches: 3, size: 500 },
        endToEnd: { batches: 2, size: 500 },
        latencySeconds: 5,
      }
    : {
        connections: 32,
        singleSeconds: 10,
        warmupSeconds: 2,
        batch: { batches: 10, size: 1000 },
        endToEnd: { batches: 5, size: 1000 },
        latencySeconds: 10,
      };
  return {
    quick,
    runs: Number(values.runs ?? (quick ? 1 : 3)),
    backends,
    sizes,
    bullmqJobs: quick ? { redis: 2000, postgres: 1000 } : { redis: 10_000, postgres: 5000 },
    insertRows: quick ? 20_000 : 100_000,
    rssNotifications: Number(values.rss ?? (quick ? 0 : 100_000)),
    record: values['no-record'] || (quick && values.record === undefined) ? undefined : (values.record ?? 'full run'),
    profile: values.profile,
  };
}
