import type { Logger } from '@nestjs/common';

/**
 * Runs `work` at once and then `intervalMs` after each run ends (runs never overlap), until `stop()`, which
 * waits for the run in progress. A failed run is logged and the next one comes as usual.
 */
export class RepeatingTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly what: string,
    private readonly work: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.work()
        .catch((error: Error) => this.logger.warn(`${this.what} failed: ${error.message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
