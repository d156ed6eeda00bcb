import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HistoryRetentionService } from '@herald/notifications';
import { RepeatingTask } from '../schedule/repeating-task';

/** Hourly: partitions are kept two weeks ahead, so a run missed now and then changes nothing. */
const INTERVAL_MS = 3_600_000;

/** Runs the history's retention (partitions ahead, old weeks dropped) at start and then every hour. */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: RepeatingTask;

  constructor(retention: HistoryRetentionService) {
    const logger = new Logger(RetentionScheduler.name);
    this.task = new RepeatingTask(
      'retention',
      async () => {
        const run = await retention.run();
        if (run?.created.length || run?.dropped.length) {
          logger.log(`partitions created: ${run.created.join(', ') || '-'}; dropped: ${run.dropped.join(', ') || '-'}`);
        }
      },
      INTERVAL_MS,
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}
