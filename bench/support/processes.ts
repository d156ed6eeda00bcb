import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where each child's stdout and stderr go: the tail is printed when the child fails. */
export const LOG_DIR = join(process.cwd(), 'bench', 'results', 'logs');

const running = new Set<ChildProcess>();

/** A child the bench started: it is killed when the bench exits, however it exits. */
export class Child {
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly logFile: string,
  ) {
    running.add(process);
    this.exited = new Promise((resolve) =>
      process.once('exit', (code) => {
        running.delete(process);
        this.exitCode = code; // null when a signal ended it
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.process.pid!;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** Throws when the child is gone: a crash ends the bench with an error, it is never a slow figure. */
  assertAlive(): void {
    if (!this.alive) throw new Error(`${this.name} exited (code ${this.exitCode}); its log: ${this.logFile}`);
  }

  /** SIGTERM, then SIGKILL when it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.alive) return this.exitCode ?? null;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Starts `node <args>` with its output in a log file of its own. */
export function startNode(name: string, args: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Child {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  return new Child(name, child, logFile);
}

/** Runs `node <args>` to completion; throws when it fails. */
export async function runNode(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): Promise<void> {
  const child = startNode(name, args, env, cwd);
  const code = await child.exited;
  if (code !== 0) throw new Error(`${name} exited with code ${code}; its log: ${child.logFile}`);
}

/** Runs `node <args>` to completion and answers its stdout parsed as JSON (the last line). */
export async function runNodeForJson<T>(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tracked = new Child(name, child, logFile);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.pipe(log);
  const code = await tracked.exited;
  log.end(stdout);
  if (code !== 0) throw new Error(`${name} exited with code ${code}; its log: ${logFile}`);
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

/** Kills every child still running: called on the way out, whether the bench succeeded or not. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

process.once('exit', killAll);
