import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { FanOutService, ReconcilerService, ThrottleService } from '@herald/notifications';
import { RepeatingTask } from '../schedule/repeating-task';

/**
 * Runs the reconciler at start and then every RECONCILE_INTERVAL_MS, with the broadcasts' (fan-outs that stopped
 * advancing) and the pruning of throttle counts whose window has passed.
 */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReconcileScheduler.name);
  private readonly task: RepeatingTask;

  constructor(reconciler: ReconcilerService, fanOut: FanOutService, throttles: ThrottleService, config: HeraldConfig) {
    // Each pass on its own: one failing does not hold back the others.
    const passes = () => [reconciler.reconcile(), fanOut.reconcile(), throttles.prune()];
    this.task = new RepeatingTask(
      'reconcile',
      () =>
        Promise.all(
          passes().map((pass) => pass.catch((error: Error) => this.logger.warn(`reconcile failed: ${error.message}`))),
        ),
      config.delivery.reconcileIntervalMs,
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
