import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { ReconcilerService } from '@herald/notifications';
import { RepeatingTask } from '../schedule/repeating-task';

/** Runs the reconciler at start and then every RECONCILE_INTERVAL_MS. */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: RepeatingTask;

  constructor(reconciler: ReconcilerService, config: HeraldConfig) {
    this.task = new RepeatingTask(
      'reconcile',
      () => reconciler.reconcile(),
      config.delivery.reconcileIntervalMs,
      new Logger(ReconcileScheduler.name),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}
