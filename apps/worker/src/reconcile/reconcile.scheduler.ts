import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { FanOutService, ReconcilerService, ThrottleService } from '@herald/notifications';

/**
 * Runs the reconciler at start and then every RECONCILE_INTERVAL_MS, with the broadcasts' (fan-outs that stopped
 * advancing) and the pruning of throttle counts whose window has passed.
 */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReconcileScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly reconciler: ReconcilerService,
    private readonly fanOut: FanOutService,
    private readonly throttles: ThrottleService,
    private readonly config: HeraldConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      const passes = [this.reconciler.reconcile(), this.fanOut.reconcile(), this.throttles.prune()];
      this.running = Promise.all(
        passes.map((pass) => pass.catch((error: Error) => this.logger.warn(`reconcile failed: ${error.message}`))),
      ).finally(() => {
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
