// Where the compiled tree lives and whether it is older than the sources, shared by build.mjs and start.mjs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What everything runs: a symlink to one finished build in BUILDS (see build-publish.mjs). */
export const DIST = join(ROOT, 'dist');
export const BUILDS = join(ROOT, '.dist');
/** Inside each build: when it started reading the sources (ms), so an edit made during a build counts as newer. */
export const STAMP = '.build-stamp';

/** What the build reads: a change to any of these makes dist/ stale. */
const INPUTS = [
  // The apps, the web console's sources (apps/console, bundled by Vite) among them.
  'apps',
  'libs',
  'bench',
  'fuzz',
  // The fuzzer's build compiles the test helpers it starts Herald with.
  'test/support',
  'scripts',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
  // Rewritten by every npm ci / npm install: new dependencies may type-check or compile differently.
  'node_modules/.package-lock.json',
];
const NOT_INPUTS = new Set([join(ROOT, 'bench', 'results')]);

/** @param {string} path */
function statOrUndefined(path) {
  try {
    return statSync(path);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Newest mtime under a path; directories count too, since deleting or renaming a file only touches its folder.
 * @param {string} path
 */
function newestChange(path) {
  const stat = statOrUndefined(path);
  if (!stat) return 0;
  if (!stat.isDirectory()) return path.endsWith('.spec.ts') ? 0 : stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    const child = join(path, name);
    if (!NOT_INPUTS.has(child)) newest = Math.max(newest, newestChange(child));
  }
  return newest;
}

/** 'missing' (nothing built), 'stale' (sources changed since the build started) or 'fresh'. */
export function distState() {
  const stampFile = join(DIST, STAMP);
  if (!statOrUndefined(join(DIST, 'apps'))) return 'missing';
  // A dist/ from before builds were stamped is stale: its age is unknown.
  const startedAt = statOrUndefined(stampFile) ? Number(readFileSync(stampFile, 'utf8')) : 0;
  const newest = Math.max(...INPUTS.map((input) => newestChange(join(ROOT, input))));
  return newest > startedAt ? 'stale' : 'fresh';
}
