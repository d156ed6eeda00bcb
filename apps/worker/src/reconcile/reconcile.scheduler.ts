import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { ReconcilerService } from '@herald/notifications';

/** Runs the reconciler at start and then every RECONCILE_INTERVAL_MS. */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReconcileScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly reconciler: ReconcilerService,
    private readonly config: HeraldConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.reconciler
        .reconcile()
        .catch((error: Error) => this.logger.warn(`reconcile failed: ${error.message}`))
        .finally(() => {
          this.timer = setTimeout(tick, this.config.delivery.reconcileIntervalMs);
        });
    };
    tick();
  }

  async onModuleDestroy(): Promise<void> {
    await this.running;
    clearTimeout(this.timer);
  }
}
