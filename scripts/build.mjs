// `npm run build`: tsc with @nestjs/swagger's compiler plugin, which reads the DTOs' types and class-validator
// decorators into the OpenAPI document (the Nest CLI does the same; plain tsc cannot load transformers), then
// tsc-alias to turn the @herald/* imports into relative ones. It writes into a staging folder of its own and only
// then publishes the tree as dist/ (build-publish.mjs), so nothing ever runs a half-written or half-aliased tree.
// The web console (apps/console, React) is type-checked and bundled by Vite into the same tree, as console/, which
// the API serves at /admin (apps/api/src/console/).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { before as swaggerPlugin } from '@nestjs/swagger/plugin';
import { replaceTscAliasPaths } from 'tsc-alias';
import ts from 'typescript';
import { build as bundle } from 'vite';
import { buildName, publish, stagingFolder } from './build-publish.mjs';
import { BUILDS, ROOT, STAMP } from './build-state.mjs';

const CONFIG = join(ROOT, 'tsconfig.build.json');
const CONSOLE = join(ROOT, 'apps', 'console');

/** @param {readonly ts.Diagnostic[]} diagnostics */
function report(diagnostics) {
  const host = {
    getCanonicalFileName: (/** @type {string} */ file) => file,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => ts.sys.newLine,
  };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
}

/**
 * Compiles the project into outDir; false (diagnostics printed) when it does not type-check.
 * @param {string} outDir
 */
function compile(outDir) {
  /** @type {ts.Diagnostic | undefined} */
  let configError;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    CONFIG,
    { outDir },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => (configError = diagnostic) },
  );
  if (!parsed || configError) {
    report(configError ? [configError] : []);
    return false;
  }
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const emitted = program.emit(undefined, undefined, undefined, false, {
    // outDir and rootDir let the plugin point its lazy type imports at the compiled files.
    before: [
      swaggerPlugin(
        { classValidatorShim: true, introspectComments: true, outDir, rootDir: parsed.options.rootDir },
        program,
      ),
    ],
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length) report(diagnostics);
  return diagnostics.length === 0;
}

/**
 * Type-checks the console (Vite only strips types) and bundles it into outDir: hashed files under assets/, no
 * inline script (the CSP allows none), nothing loaded from elsewhere at run time.
 * @param {string} outDir
 */
async function buildConsole(outDir) {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(CONSOLE, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => report([diagnostic]),
    },
  );
  if (!parsed) return false;
  const diagnostics = ts.getPreEmitDiagnostics(
    ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options }),
  );
  if (diagnostics.length) {
    report(diagnostics);
    return false;
  }
  await bundle({
    configFile: false,
    root: CONSOLE,
    base: '/admin/',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, assetsInlineLimit: 0 },
  });
  return true;
}

const startedAt = Date.now();
const name = buildName(startedAt, process.pid);
const staging = stagingFolder(name);
mkdirSync(BUILDS, { recursive: true });
if (!compile(staging) || !(await buildConsole(join(staging, 'console')))) {
  rmSync(staging, { recursive: true, force: true });
  process.exit(1);
}
await replaceTscAliasPaths({ configFile: CONFIG, outDir: staging });
writeFileSync(join(staging, STAMP), `${startedAt}\n`);
publish(name);
