import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import type { NotificationView } from '../support/api-types';
import { useHerald } from '../support/herald-harness';
import { settledNotification } from '../support/notifications';

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

describe('README quick start', () => {
  // What `npm start` runs with no settings: the monolith on PostgreSQL queues, email captured.
  const herald = useHerald();
  const cwd = mkdtempSync(join(tmpdir(), 'herald-readme-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('runs as written against a running Herald, and the email it sends is captured', async () => {
    const block = readmeBlocks('sh').find((source) => source.includes('var/admin.key'));
    expect(block).toBeDefined();
    // As after `npm start` in this folder: the admin key in var/admin.key, Herald on localhost:3000, which
    // curl reaches here on the test's free port (--connect-to keeps the URL as written).
    mkdirSync(join(cwd, 'var'));
    writeFileSync(join(cwd, 'var', 'admin.key'), herald.adminKey + '\n');
    const port = new URL(herald.baseUrl).port;
    const curl = `curl() { command curl --connect-to localhost:3000:127.0.0.1:${port} "$@"; }\n`;
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', curl + block!], { cwd });

    const shown = JSON.parse(stdout) as NotificationView;
    expect(shown.deliveries).toMatchObject([{ channel: 'email' }]);
    expect(await settledNotification(herald.admin, shown.id, 'completed')).toMatchObject({
      deliveries: [
        { status: 'sent', captured: true, content: { subject: 'Hi Ada', html: '<p>Hi Ada</p>', text: 'Hi Ada' } },
      ],
    });
  });
});
