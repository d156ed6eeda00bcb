import { ChildProcess, spawn } from 'node:child_process';

/** A process a test started, with everything it printed (stdout and stderr, interleaved). */
export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves with the exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
}

export function startChild(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Child {
  // A process group of its own: `npm run` starts a shell that starts node, and stopping must reach all three.
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.process.pid!, signal);
  } catch (error) {
    // The group is gone already.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM to the child's group, SIGKILL when it has not exited after graceMs; returns the exit code. */
export async function stopChild(child: Child, graceMs = 20_000): Promise<number | null> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.process.exitCode;
  signalGroup(child, 'SIGTERM');
  const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(kill);
  }
}
