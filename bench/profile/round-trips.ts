import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../support/wait';

const LOG_DIR = process.env.BENCH_POSTGRES_LOG_DIR ?? '/var/log/postgresql';

/** The PostgreSQL server log being written now (the local server logs to /var/log/postgresql). */
function serverLog(): string {
  const files = readdirSync(LOG_DIR)
    .filter((name) => name.endsWith('.log'))
    .map((name) => join(LOG_DIR, name));
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

/** Counts the statements of `database` the server logs (`log_statement = 'all'`) while `work` runs. */
export async function countStatements(database: string, work: () => Promise<void>): Promise<number> {
  const file = serverLog();
  const from = statSync(file).size;
  await work();
  await sleep(500); // the server writes its log asynchronously
  const to = statSync(file).size;
  const buffer = Buffer.alloc(to - from);
  const fd = openSync(file, 'r');
  readSync(fd, buffer, 0, buffer.length, from);
  closeSync(fd);
  // One line per statement run: "LOG:  statement: …" (simple protocol) or "LOG:  execute <name>: …" (extended).
  const pattern = new RegExp(`@${database} LOG:  (statement|execute [^:]*):`);
  return buffer
    .toString()
    .split('\n')
    .filter((line) => pattern.test(line)).length;
}

/** Redis commands touching keys under `prefix` (MONITOR) while `work` runs: how many, and how many of each. */
export async function countRedisCommands(
  prefix: string,
  work: () => Promise<void>,
): Promise<{ total: number; byCommand: Record<string, number> }> {
  const monitor = spawn('redis-cli', ['-h', '127.0.0.1', 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  monitor.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await sleep(300);
    await work();
    await sleep(300);
  } finally {
    monitor.kill('SIGKILL');
  }
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const line of output.split('\n')) {
    if (!line.includes(prefix)) continue;
    // 1701.2 [0 127.0.0.1:5555] "evalsha" "…" — and a Lua script's own calls as [0 lua] "hset" …
    const command = /\] "([^"]+)"/.exec(line)?.[1]?.toLowerCase() ?? '?';
    const key = line.includes(' lua] ') ? `${command} (in a script)` : command;
    byCommand[key] = (byCommand[key] ?? 0) + 1;
    total++;
  }
  return { total, byCommand };
}
