import { readFileSync } from 'node:fs';
import { Child } from './processes';

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** CPU time (user + system) a process has used, in ms. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of /proc/pid/stat, 12 and 13 after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export interface RssSample {
  at: number;
  mb: number;
}

/** Samples the RSS of a set of processes every `intervalMs` until stopped. */
export class RssSampler {
  readonly samples = new Map<string, RssSample[]>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly children: () => Child[],
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  private sample(): void {
    for (const child of this.children()) {
      if (!child.alive) continue;
      const list = this.samples.get(child.name) ?? [];
      try {
        list.push({ at: performance.now(), mb: rssMb(child.pid) });
      } catch {
        continue; // exited between the check and the read
      }
      this.samples.set(child.name, list);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}
