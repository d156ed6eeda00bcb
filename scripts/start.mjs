// `npm start`, `npm run start:api`, `start:worker`, `migrate`: run one compiled entry point from dist/.
//
// Only `npm start` (--build-if-stale) builds, and only when dist/ is missing or older than the sources: an unchanged
// tree starts at once. The split processes never build, so starting an api and workers together from one checkout
// cannot race builds over the tree they are loading.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT, distState } from './build-state.mjs';

const ENTRIES = new Map([
  ['herald', 'apps/herald/src/main.js'],
  ['api', 'apps/api/src/main.js'],
  ['worker', 'apps/worker/src/main.js'],
  ['migrate', 'libs/core/src/database/migrate.main.js'],
]);

const [app, option] = process.argv.slice(2);
const entry = ENTRIES.get(app ?? '');
if (!entry || (option !== undefined && option !== '--build-if-stale')) {
  process.stderr.write(`usage: node scripts/start.mjs ${[...ENTRIES.keys()].join('|')} [--build-if-stale]\n`);
  process.exit(2);
}

const state = distState();
if (option === '--build-if-stale' && state !== 'fresh') {
  process.stdout.write(`dist/ is ${state === 'missing' ? 'missing' : 'older than the sources'}: building first\n`);
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else if (state === 'missing') {
  process.stderr.write('dist/ is missing: run npm run build first\n');
  process.exit(1);
} else if (state === 'stale') {
  process.stderr.write('dist/ is older than the sources: running it as built (npm run build picks the changes up)\n');
}

// The real path pins this process to the build dist/ points at now, whatever a later build publishes.
await import(pathToFileURL(realpathSync(join(DIST, entry))).href);
