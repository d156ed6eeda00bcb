import type { Failure } from './checks';
import type { FuzzRequest } from './generator';
import type { FuzzResult } from './fuzzer';
import type { FuzzResponse } from './http';

const BODY_SHOWN = 400;
const STACK_LINES = 8;

/** The run's summary: what each route answered, then the failures grouped by kind, route, status and cause. */
export function report(result: FuzzResult, loggedErrors: Map<string, string[]>, print: (line: string) => void): void {
  print('\nroutes (requests: answers by status)');
  for (const [route, stats] of [...result.routes].sort(([a], [b]) => a.localeCompare(b))) {
    const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    print(`  ${route.padEnd(56)} ${String(stats.sent).padStart(5)}: ${statuses.join(' ')}`);
  }
  if (result.unsendable)
    print(`(${result.unsendable} generated requests could not be written by Node and were skipped)`);

  const unattributed = loggedErrors.get('') ?? [];
  if (unattributed.length) {
    print(`\nerrors Herald logged outside any request: ${unattributed.length}`);
    for (const text of unattributed.slice(0, 3)) print(indent(firstLines(text, STACK_LINES), 4));
  }

  if (!result.failures.length) {
    print('\nno failures');
    return;
  }
  const groups = new Map<string, { failures: Failure[]; cause?: string }>();
  for (const failure of result.failures) {
    const cause = causeOf(failure, loggedErrors);
    const key = [failure.kind, failure.route, failure.status ?? '', signature(cause ?? failure.detail)].join('|');
    const group = groups.get(key) ?? { failures: [], cause };
    group.failures.push(failure);
    groups.set(key, group);
  }
  print(`\nfailures: ${result.failures.length} in ${groups.size} groups`);
  for (const { failures, cause } of groups.values()) {
    const [first] = failures;
    print(`\n[${first.kind}] ${first.route}${first.status ? ` → ${first.status}` : ''} ×${failures.length}`);
    if (first.kind !== '5xx' || !cause) print(`  ${first.detail}`);
    if (first.request) print(indent(showRequest(first.request), 2));
    const others = new Set(failures.slice(1).map((failure) => failure.request?.mutation ?? failure.request?.mode));
    others.delete(undefined);
    if (others.size) print(`  also: ${[...others].slice(0, 4).join(' | ')}`);
    if (cause) print(`  cause:\n${indent(shortStack(cause), 4)}`);
  }
}

function causeOf(failure: Failure, loggedErrors: Map<string, string[]>): string | undefined {
  if (failure.kind !== '5xx' || !failure.request) return undefined;
  const logged = loggedErrors.get(String(failure.request.index)) ?? [];
  return logged.find((text) => text.includes('\n    at ')) ?? logged[0];
}

/** What tells two causes apart: the first line, without ids, numbers and quoted values. */
function signature(text: string): string {
  return text
    .split('\n')[0]
    .replace(/"[^"]*"|'[^']*'/g, '…')
    .replace(/[0-9a-f-]{8,}|\d+/gi, '#')
    .slice(0, 160);
}

export function showRequest(request: FuzzRequest): string {
  const lines = [
    `request #${request.index} (${request.mode}${request.mutation ? `: ${request.mutation}` : ''}; key: ${request.auth})`,
    `${request.method} ${clip(request.path, 300)}`,
  ];
  for (const [name, value] of Object.entries(request.headers)) {
    if (name !== 'authorization') lines.push(`${name}: ${clip(value, 120)}`);
  }
  if (request.body !== undefined) {
    const text = Buffer.isBuffer(request.body) ? `<bytes ${request.body.toString('hex')}>` : request.body;
    lines.push(clip(text, BODY_SHOWN));
  }
  return lines.join('\n');
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}… (${text.length} chars)`;
}

/** The message, the first library frame, and the first frames of Herald's own code (where to fix it). */
function shortStack(stack: string): string {
  const [message, ...frames] = stack.split('\n');
  const atFrames = frames.filter((line) => line.trim().startsWith('at '));
  const root = process.cwd();
  const own = atFrames.filter((line) => line.includes(`${root}/apps/`) || line.includes(`${root}/libs/`));
  const shown = [...new Set([...atFrames.slice(0, 1), ...own.slice(0, STACK_LINES - 2)])];
  return [message, ...shown].join('\n').replaceAll(`${root}/`, '');
}

function firstLines(text: string, count: number): string {
  return text.split('\n').slice(0, count).join('\n');
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');
}

/** One line per request: index, route, answer, what was generated, and the answer's detail. */
export function traceLine(request: FuzzRequest, response: FuzzResponse): string {
  let detail = '';
  if (response.status >= 400) {
    try {
      const problem = JSON.parse(response.body) as { detail?: string; errors?: unknown };
      detail = clip(JSON.stringify(problem.errors ?? problem.detail ?? ''), 200);
    } catch {
      detail = clip(response.body, 200);
    }
  }
  const what = `${request.mode}${request.mutation ? `: ${clip(request.mutation, 100)}` : ''}; ${request.auth}`;
  return `#${request.index} ${request.method} ${clip(request.path, 100)} → ${response.status} (${what}) ${detail}`;
}
