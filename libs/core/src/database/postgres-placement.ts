import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@nestjs/common';
import { EmbeddedDatabaseError } from '../core.errors';
import { PostgresBinaries } from './postgres-binaries';
import { PostgresAccount } from './postgres-server';

const run = promisify(execFile);

/** Where, as root, Herald keeps what the postgres user must reach when the checkout is private (e.g. under /root). */
const STATE_DIR = '/var/lib/herald';

/** Where PostgreSQL runs from and keeps its cluster, and as whom. */
export interface PostgresPlacement {
  binDir: string;
  clusterDir: string;
  account?: PostgresAccount;
}

const errorText = (error: unknown) =>
  ((error as { stderr?: string }).stderr?.trim() || (error as Error).message).split('\n')[0];

async function ids(user: string): Promise<PostgresAccount | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
    return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  } catch {
    return undefined;
  }
}

/** The `postgres` system user (a distribution's PostgreSQL package creates it), created when missing. */
async function postgresAccount(logger: Logger): Promise<PostgresAccount> {
  const existing = await ids('postgres');
  if (existing) return existing;
  try {
    await run('groupadd', ['--system', '-f', 'postgres']);
    await run('useradd', [
      '--system',
      '--gid',
      'postgres',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `PostgreSQL will not run as root, there is no postgres user to run it as, and creating one failed ` +
        `(${errorText(error)}): create a postgres user, run Herald as a user other than root, or set DATABASE_URL`,
    );
  }
  logger.log('created the system user postgres to run PostgreSQL as (it will not run as root)');
  return (await ids('postgres'))!;
}

/**
 * Whether the account can reach `path` and use it: for a directory, traverse every folder down to it and search
 * it; for a program, also execute it. Asked of the system as that account (`test -x`), so ACLs and mounts count.
 */
async function reaches(account: PostgresAccount, path: string): Promise<boolean> {
  try {
    await run('test', ['-x', path], account);
    return true;
  } catch {
    return false;
  }
}

/** Readable (and, where executable, executable) by everyone, whatever umask the copy was made under. */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await openUp(path);
    else if (entry.isFile()) await chmod(path, (await stat(path)).mode & 0o100 ? 0o755 : 0o644);
  }
}

/** The binaries in place when the account reaches them, else a copy of them under STATE_DIR, made once per version. */
async function reachableBinaries(account: PostgresAccount, binaries: PostgresBinaries, logger: Logger) {
  if (await reaches(account, join(binaries.dir, 'bin', 'postgres'))) return binaries.dir;
  const copy = join(STATE_DIR, `postgres-${binaries.version}-${process.platform}-${process.arch}`);
  if (!existsSync(copy)) {
    // Copied aside and renamed into place, so a concurrent start never runs a half-copied tree.
    const partial = `${copy}.partial-${process.pid}`;
    await mkdir(STATE_DIR, { recursive: true, mode: 0o711 });
    await cp(binaries.dir, partial, { recursive: true, verbatimSymlinks: true });
    await openUp(partial);
    await rename(partial, copy).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      await rm(partial, { recursive: true, force: true });
    });
    logger.log(`the postgres user cannot reach ${binaries.dir}: copied the PostgreSQL binaries to ${copy}`);
  }
  if (!(await reaches(account, join(copy, 'bin', 'postgres')))) {
    throw new EmbeddedDatabaseError(`the postgres user cannot run ${copy}/bin/postgres: make ${STATE_DIR} readable`);
  }
  return copy;
}

/**
 * The cluster in HERALD_DATA_DIR/postgres when the account reaches it; else (a checkout in a private folder) under
 * STATE_DIR, one folder per data directory, named by a hash of its path.
 */
async function reachableCluster(account: PostgresAccount, dataDir: string, logger: Logger): Promise<string> {
  const inDataDir = join(dataDir, 'postgres');
  if (existsSync(join(inDataDir, 'PG_VERSION'))) {
    if (await reaches(account, inDataDir)) return inDataDir;
    throw new EmbeddedDatabaseError(
      `the postgres user cannot reach the PostgreSQL data in ${inDataDir}: let it traverse the folders above ` +
        `(chmod o+x), or move ${inDataDir} away to start on an empty database`,
    );
  }
  // Only search, no listing: the postgres user reaches its own folder inside, nothing else.
  await chmod(dataDir, 0o711);
  if (await reaches(account, dataDir)) return inDataDir;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const elsewhere = join(STATE_DIR, hash, 'postgres');
  logger.log(
    `the postgres user cannot reach ${dataDir}: the PostgreSQL data of this data directory is in ${elsewhere}`,
  );
  return elsewhere;
}

/**
 * Where and as whom PostgreSQL runs. As any user but root: the installed binaries, the cluster in the data
 * directory, as that user. As root, PostgreSQL refuses to run, so it runs as the postgres user, who must reach both
 * the binaries and the cluster: a checkout under /root (mode 0700) hides both, hence the copies under STATE_DIR.
 */
export async function placePostgres(
  dataDir: string,
  binaries: PostgresBinaries,
  logger: Logger,
): Promise<PostgresPlacement> {
  if (process.getuid?.() !== 0) return { binDir: binaries.dir, clusterDir: join(dataDir, 'postgres') };
  const account = await postgresAccount(logger);
  try {
    const binDir = await reachableBinaries(account, binaries, logger);
    const clusterDir = await reachableCluster(account, dataDir, logger);
    // Folders on the way are traversable but not listable; the cluster itself is the postgres user's alone.
    await mkdir(dirname(clusterDir), { recursive: true, mode: 0o711 });
    await mkdir(clusterDir, { recursive: true, mode: 0o700 });
    await chown(clusterDir, account.uid, account.gid);
    return { binDir, clusterDir, account };
  } catch (error) {
    if (error instanceof EmbeddedDatabaseError) throw error;
    throw new EmbeddedDatabaseError(`cannot prepare a place the postgres user reaches: ${errorText(error)}`);
  }
}
