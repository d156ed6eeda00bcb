import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HistoryCountsRepository } from '@herald/notifications';
import { RepeatingTask } from '../schedule/repeating-task';

/**
 * Reads stay exact without folds (they add the changes not folded yet), but they would get slower as those
 * pile up: every few seconds keeps them to a few seconds' worth of statements. With several workers, the one
 * that takes the lock folds and the others skip.
 */
const FOLD_INTERVAL_MS = 5_000;

/** Folds the history count changes into the counts at start and then every few seconds. */
@Injectable()
export class HistoryCountsScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: RepeatingTask;

  constructor(counts: HistoryCountsRepository) {
    this.task = new RepeatingTask(
      'history counts fold',
      () => counts.fold(),
      FOLD_INTERVAL_MS,
      new Logger(HistoryCountsScheduler.name),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}
