import type { RssRun } from '../herald/rss-run';
import type { HeraldFigures } from '../herald/measure-backend';
import type { Backend } from '../herald/herald-stack';
import type { LoadResult } from '../support/autocannon';
import { median } from '../support/stats';

export interface Baselines {
  bareHttp: LoadResult;
  unnestRowsPerSecond: number;
  bullmq: Partial<Record<Backend, number>>;
}

export interface RunResult {
  baselines: Baselines;
  herald: Partial<Record<Backend, HeraldFigures>>;
}

/** One line of the table: what was measured, against what, and the target the issue sets. */
export interface Row {
  figure: string;
  herald: string;
  baseline: string;
  ratio: string;
  target: string;
}

const BACKEND_NAMES: Record<Backend, string> = { redis: 'Redis', postgres: 'PostgreSQL' };
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
/** Two significant digits below 0.1 (0.0027), two decimals above (0.35, 1.12). */
function ratio(a: number, b: number): string {
  if (!(b > 0) || !Number.isFinite(a)) return '';
  const r = a / b;
  return r >= 0.1 ? r.toFixed(2) : r.toPrecision(2);
}

/** The rows of the table, each figure the median over the runs. */
export function rows(runs: RunResult[], backends: Backend[], rss: Partial<Record<Backend, RssRun>>): Row[] {
  const out: Row[] = [];
  for (const backend of backends) {
    const name = BACKEND_NAMES[backend];
    if (runs.length > 0) out.push(...runRows(runs, backend, name));
    const run = rss[backend];
    if (run) {
      out.push({
        figure: `${name}: RSS across ${int(run.notifications)} notifications (idle, 10 %, peak, end)`,
        herald: Object.entries(run.processes)
          .map(
            ([p, r]) =>
              `${p.replace('1', '')} ${int(r.idleMb)}, ${int(r.earlyMb)}, ${int(r.peakMb)}, ${int(r.endMb)} MB (${r.flat ? 'flat' : 'not flat'})`,
          )
          .join('; '),
        baseline:
          `${int(run.seconds)} s` +
          (run.apiHeapAtPeak
            ? `; api at its peak: V8 heap ${int(run.apiHeapAtPeak.heapTotalMb)} MB (${int(run.apiHeapAtPeak.heapUsedMb)} used), external ${int(run.apiHeapAtPeak.externalMb)} MB`
            : ''),
        ratio: '',
        target: '< 200 MB, flat ± 10 %',
      });
    }
  }
  return out;
}

/** One backend's rows of the measured runs: medians, each against its baseline of the same runs. */
function runRows(runs: RunResult[], backend: Backend, name: string): Row[] {
  const m = (pick: (run: RunResult) => number | undefined) =>
    median(runs.map(pick).filter((n): n is number => n !== undefined));
  const h = (pick: (f: HeraldFigures) => number) => m((r) => (r.herald[backend] ? pick(r.herald[backend]) : undefined));
  const bareRps = m((r) => r.baselines.bareHttp.requestsPerSecond);
  const bareP99 = m((r) => r.baselines.bareHttp.p99Ms);
  const insert = m((r) => r.baselines.unnestRowsPerSecond);
  const single = h((f) => f.single.requestsPerSecond);
  const raw = m((r) => r.baselines.bullmq[backend]);
  const e2e = h((f) => f.endToEndPerSecond);
  const batch = h((f) => f.batchPerSecond);
  return [
    {
      figure: `${name}: single accept, -c 32`,
      herald: `${int(single)} req/s, p50 ${ms(h((f) => f.single.p50Ms))} ms, p99 ${ms(h((f) => f.single.p99Ms))} ms`,
      baseline: `bare node:http 202: ${int(bareRps)} req/s, p99 ${ms(bareP99)} ms`,
      ratio: ratio(single, bareRps),
      target: '≥ 0.2',
    },
    {
      figure: `${name}: batch accept`,
      herald: `${int(batch)} notifications/s`,
      baseline: `raw unnest insert: ${int(insert)} rows/s`,
      ratio: ratio(batch, insert),
      target: '≥ 0.2',
    },
    {
      figure: `${name}: end to end`,
      herald: `${int(e2e)} deliveries/s`,
      baseline: `raw BullMQ add + process: ${int(raw)} jobs/s`,
      ratio: ratio(e2e, raw),
      target: backend === 'redis' ? '≥ 0.3' : '≥ 0.5',
    },
    {
      figure: `${name}: accept → delivered at ${int(h((f) => f.latency.rate))}/s, open loop`,
      herald: `p50 ${ms(h((f) => f.latency.p50Ms))} ms, p99 ${ms(h((f) => f.latency.p99Ms))} ms`,
      baseline: '',
      ratio: '',
      target: 'p99 < 50 ms',
    },
    {
      figure: `${name}: end to end, 2 worker processes`,
      herald: `${int(h((f) => f.endToEndTwoWorkersPerSecond))} deliveries/s`,
      baseline: `1 worker: ${int(e2e)} deliveries/s`,
      ratio: ratio(
        h((f) => f.endToEndTwoWorkersPerSecond),
        e2e,
      ),
      target: '',
    },
    {
      figure: `${name}: RSS idle → end of run`,
      herald: ['api', 'worker1']
        .map((p) => `${p.replace('1', '')} ${int(h((f) => f.rss[p]?.idleMb))} → ${int(h((f) => f.rss[p]?.endMb))} MB`)
        .join(', '),
      baseline: '',
      ratio: '',
      target: '< 200 MB',
    },
    {
      figure: `${name}: duplicate webhooks`,
      herald: `${Math.max(...runs.map((r) => r.herald[backend]?.duplicates ?? 0))}`,
      baseline: '',
      ratio: '',
      target: '0',
    },
  ];
}

export function markdownTable(table: Row[]): string {
  const lines = ['| figure | Herald | baseline, same run | ratio | target |', '| --- | --- | --- | --- | --- |'];
  for (const row of table)
    lines.push(`| ${row.figure} | ${row.herald} | ${row.baseline} | ${row.ratio} | ${row.target} |`);
  return lines.join('\n');
}
