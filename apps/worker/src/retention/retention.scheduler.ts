import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HistoryRetentionService } from '@herald/notifications';

/** Hourly: partitions are kept two weeks ahead, so a run missed now and then changes nothing. */
const INTERVAL_MS = 3_600_000;

/** Runs the history's retention (partitions ahead, old weeks dropped) at start and then every hour. */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly retention: HistoryRetentionService) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.retention
        .run()
        .then((run) => {
          if (run?.created.length || run?.dropped.length) {
            this.logger.log(
              `partitions created: ${run.created.join(', ') || '-'}; dropped: ${run.dropped.join(', ') || '-'}`,
            );
          }
        })
        .catch((error: Error) => this.logger.warn(`retention failed: ${error.message}`))
        .finally(() => {
          this.timer = setTimeout(tick, INTERVAL_MS);
        });
    };
    tick();
  }

  async onModuleDestroy(): Promise<void> {
    await this.running;
    clearTimeout(this.timer);
  }
}
