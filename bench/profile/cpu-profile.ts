import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Now on the clock of a V8 profile's timestamps (the monotonic clock, in µs): the windows passed to `summarizeProfile`. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export interface ProfileSummary {
  /** Sampled ms inside the window. */
  totalMs: number;
  categories: { name: string; percent: number }[];
  functions: { name: string; where: string; percent: number }[];
}

/** What a function's file says about who owns it: a package, Node itself, Herald, or V8 (GC, idle, program). */
function category(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName || '(anonymous)'}`;
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (/\/(apps|libs)\//.test(url)) return 'herald';
  return url.split('/').slice(-2).join('/');
}

function where(url: string, line: number): string {
  if (!url) return '';
  const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(apps|libs)\//, '$1/');
  return `${short}:${line + 1}`;
}

/**
 * Self time by category and by function, from a V8 `.cpuprofile`, counting only the samples taken between
 * `fromUs` and `toUs` (the monotonic clock, in µs: the clock of `process.hrtime`), the load's window.
 */
export function summarizeProfile(file: string, fromUs: number, toUs: number, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    // Idle samples are time the process had nothing to do: the percentages are of its busy time.
    if (at < fromUs || at > toUs || nodes.get(id)!.callFrame.functionName === '(idle)') return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
    total += delta;
  });
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const cat = category(url, functionName);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + us);
    const key = `${functionName}@${url}:${lineNumber}`;
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where: where(url, lineNumber), us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const percent = (us: number) => Math.round((us / total) * 1000) / 10;
  return {
    totalMs: Math.round(total / 1000),
    categories: [...byCategory]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, percent: percent(us) })),
    functions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, percent: percent(f.us) })),
  };
}

/** A summary as Markdown lines under `title`: categories, then the top functions. */
export function summaryMarkdown(title: string, summary: ProfileSummary): string[] {
  return [
    `${title} (${summary.totalMs} ms sampled), self time by category:`,
    '',
    summary.categories.map((c) => `${c.name} ${c.percent} %`).join(', '),
    '',
    'Top functions by self time:',
    '',
    '| function | where | self % |',
    '| --- | --- | --- |',
    ...summary.functions.map((f) => `| ${f.name} | ${f.where} | ${f.percent} |`),
    '',
  ];
}
