// Puts a finished build in place as dist/.
//
// dist is a symlink to one finished build in .dist/, and publishing replaces that symlink with rename(2), which is
// atomic: a process starting at any moment finds either the previous tree or the new one, each complete; never a
// half-written tree, never no tree at all (renaming directories, old dist away then new one in, leaves an instant
// with none). Concurrent builds each compile into a staging folder of their own; the last to publish wins.
//
// A process already running is not disturbed either: Node resolves every module to its real path, so a process that
// requires files lazily (Swagger's type imports, say) keeps reading them from the build it started on, never a mix
// of two builds. That build must therefore stay on disk a while: the newest KEEP builds are kept, so a process
// survives KEEP - 1 rebuilds under it.
import { existsSync, lstatSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import process from 'node:process';
import { BUILDS, DIST, ROOT } from './build-state.mjs';

const KEEP = 3;

/**
 * A build's name: its start time, then the building process, so names sort by age and name their owner.
 * @param {number} startedAt
 * @param {number} pid
 */
export function buildName(startedAt, pid) {
  return `${startedAt}-${pid}`;
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

/** @param {string} name */
function remove(name) {
  rmSync(join(BUILDS, name), { recursive: true, force: true });
}

/** Old builds beyond KEEP (never the current one), and leftovers of builds that died half-way. */
function prune() {
  const current = basename(readlinkSync(DIST));
  const names = readdirSync(BUILDS);
  const finished = names.filter((name) => /^\d+-\d+$/.test(name)).sort();
  for (const name of finished.slice(0, -KEEP)) if (name !== current) remove(name);
  for (const name of names) {
    const owner = /^(?:staging|link)-\d+-(\d+)$/.exec(name);
    if ((owner && !alive(Number(owner[1]))) || name.startsWith('replaced-')) remove(name);
  }
}

/** @param {string} name */
export function stagingFolder(name) {
  return join(BUILDS, `staging-${name}`);
}

/** @param {string} name a build compiled into stagingFolder(name) */
export function publish(name) {
  const build = join(BUILDS, name);
  renameSync(stagingFolder(name), build);
  const link = join(BUILDS, `link-${name}`);
  // Relative to the repository root, where the link lands: the checkout can move.
  symlinkSync(relative(ROOT, build), link);
  // A dist/ directory written before builds were published this way cannot be replaced by rename: move it aside once.
  if (existsSync(DIST) && !lstatSync(DIST).isSymbolicLink()) {
    try {
      renameSync(DIST, join(BUILDS, `replaced-${name}`));
    } catch (error) {
      // A concurrent build moved it first.
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    }
  }
  renameSync(link, DIST);
  prune();
}
