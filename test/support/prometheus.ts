import { expect } from 'vitest';
import { eventually } from './eventually';

/** A strict reader of the Prometheus text exposition format (0.0.4), and what tests ask of a scrape. */

export interface Family {
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Values as Prometheus reads them (Go's ParseFloat: NaN and Inf in any case; prom-client writes `Nan`). */
function parseValue(text: string): number {
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`not a sample value: ${text}`);
  return value;
}

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) throw new Error(`bad labels: {${text}}`);
    labels[match[1]] = match[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  return labels;
}

/** Parses every line, or throws naming the first one that is not valid exposition format. */
export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { type: 'untyped', help: '', samples: [] }));
    return found;
  };
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        family(meta[2]).type = meta[3];
      } else {
        family(meta[2]).help = meta[3];
      }
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const [, name, labels, value] = sample;
    // A sample belongs to the family it names, or to a histogram/summary through its suffix.
    const owner =
      [...families.entries()].find(([base, f]) =>
        (SUFFIXES[f.type] ?? ['']).some((suffix) => base + suffix === name),
      )?.[0] ?? name;
    family(owner).samples.push({ name, labels: parseLabels(labels), value: parseValue(value) });
  }
  return families;
}

export async function scrape(baseUrl: string): Promise<Map<string, Family>> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await response.text());
}

/**
 * A scrape whose queue counts were read: each scrape gives the queue store a short bound (`herald_queue_up` 0 past
 * it), which a loaded machine can miss once, so this scrapes again until one is in time.
 */
export async function scrapeWithQueues(baseUrl: string): Promise<Map<string, Family>> {
  return eventually(
    async () => {
      const families = await scrape(baseUrl);
      return value(families, 'herald_queue_up') === 1 && families;
    },
    { what: 'a scrape that read the queue counts', timeoutMs: 30_000 },
  );
}

/** The value of one sample; 0 when the series does not exist yet. */
export function value(families: Map<string, Family>, sampleName: string, labels: Record<string, string> = {}): number {
  const family = [...families.values()].find((f) => f.samples.some((s) => s.name === sampleName));
  const sample = family?.samples.find(
    (s) => s.name === sampleName && Object.entries(labels).every(([key, wanted]) => s.labels[key] === wanted),
  );
  return sample?.value ?? 0;
}
