import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';

/** The console's build: `console/` beside the compiled apps in one build (see scripts/build.mjs). */
const CONSOLE_FOLDER = 'console';
const BUILD_STAMP = '.build-stamp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ConsoleFile {
  body: Buffer;
  type: string;
  /** Vite names what it emits under assets/ by content hash: such a file never changes under its name. */
  immutable: boolean;
}

/**
 * Where this process's console build is: in the build it runs from (a build root holds the stamp), else, when the
 * API runs from its TypeScript sources (the tests), in the current `dist/`.
 */
function consoleFolder(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, BUILD_STAMP))) return join(folder, CONSOLE_FOLDER);
    if (existsSync(join(folder, 'package.json'))) return join(folder, 'dist', CONSOLE_FOLDER);
    if (dirname(folder) === folder) return join(from, CONSOLE_FOLDER);
  }
}

function listFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * The built console, read once into memory (a few hundred kilobytes): only these paths are ever served, so no
 * request path reaches the file system.
 */
@Injectable()
export class ConsoleFiles {
  private readonly logger = new Logger(ConsoleFiles.name);
  private readonly files = new Map<string, ConsoleFile>();

  constructor() {
    const folder = consoleFolder(__dirname);
    if (!existsSync(join(folder, 'index.html'))) {
      this.logger.warn(`no console build in ${folder}: /admin answers 404 until npm run build`);
      return;
    }
    for (const path of listFiles(folder)) {
      const name = relative(folder, path).split(sep).join('/');
      this.files.set(name, {
        body: readFileSync(path),
        type: TYPES[extname(path)] ?? 'application/octet-stream',
        immutable: name.startsWith('assets/'),
      });
    }
  }

  /** A file by its path under /admin/ (`assets/index-1a2b.js`), or undefined. */
  get(name: string): ConsoleFile | undefined {
    return this.files.get(name);
  }

  /** The page every client route of the single-page app loads. */
  index(): ConsoleFile | undefined {
    return this.files.get('index.html');
  }
}
