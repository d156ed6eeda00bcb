import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Vitest runs from the repository's root (npm test).
const ROOT = process.cwd();
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of one language, in order. */
function readmeBlocks(language: string): string[] {
  const fence = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm');
  return [...README.matchAll(fence)].map((match) => match[1]);
}

/** Type-checks a snippet as if it were a file of this repository, with its tsconfig (paths, strict). */
function diagnose(source: string, fileName: string): string[] {
  const configFile = ts.readConfigFile(resolve(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (path) => path === fileName || ts.sys.fileExists(path);
  host.readFile = (path) => (path === fileName ? source : readFile(path));
  host.getSourceFile = (path, language) =>
    path === fileName ? ts.createSourceFile(path, source, language) : getSourceFile(path, language);
  const program = ts.createProgram({ rootNames: [fileName], options: { ...options, noEmit: true }, host });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('README', () => {
  const snippets = readmeBlocks('ts');

  it('has TypeScript snippets to check', () => {
    expect(snippets.length).toBeGreaterThan(0);
  });

  it.each(snippets.map((source, index) => ({ source, number: index + 1 })))(
    'TypeScript snippet $number compiles',
    ({ source, number }) => {
      expect(diagnose(source, resolve(ROOT, `test/docs/readme-snippet-${number}.ts`))).toEqual([]);
    },
  );

  it('catches a snippet that does not compile', () => {
    const broken = `import { HeraldClientModule } from '@herald/client';\nHeraldClientModule.register({ transport: 42 });\n`;
    expect(diagnose(broken, resolve(ROOT, 'test/docs/readme-snippet-broken.ts'))).not.toEqual([]);
  });
});
