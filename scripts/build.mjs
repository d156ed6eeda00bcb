// `npm run build`: tsc with @nestjs/swagger's compiler plugin, which reads the
// DTOs' types and class-validator decorators into the OpenAPI document (the
// Nest CLI does the same; plain tsc cannot load transformers).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const swaggerPlugin = require('@nestjs/swagger/plugin');

const configPath = ts.findConfigFile('.', ts.sys.fileExists, 'tsconfig.build.json');
const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, process.cwd());
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
const emitted = program.emit(undefined, undefined, undefined, false, {
  before: [
    swaggerPlugin.before(
      // outDir and rootDir let the plugin point its lazy type imports at the compiled files.
      {
        classValidatorShim: true,
        introspectComments: true,
        outDir: resolve(parsed.options.outDir),
        rootDir: resolve(parsed.options.rootDir),
      },
      program,
    ),
  ],
});
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
if (diagnostics.length) {
  const host = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: ts.sys.getCurrentDirectory,
    getNewLine: () => '\n',
  };
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.exit(1);
}
