import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import { DeliveryJobData, deliveryQueueName, HeraldConfig, QueueBackend } from '@herald/core';
import { ChannelRegistry } from '@herald/channels';
import { DeliveryService } from '@herald/notifications';

/**
 * One BullMQ worker per channel queue that has a driver. Every queue carries the
 * same job (deliver one delivery row), so each worker hands its job to
 * DeliveryService; the channel only decides which driver sends.
 */
@Injectable()
export class DeliveryWorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryWorkerHost.name);
  private readonly workers: Worker<DeliveryJobData>[] = [];

  constructor(
    private readonly backend: QueueBackend,
    private readonly channels: ChannelRegistry,
    private readonly deliveries: DeliveryService,
    private readonly config: HeraldConfig,
  ) {}

  onApplicationBootstrap(): void {
    for (const channel of this.channels.channels()) {
      const worker = this.backend.createWorker<DeliveryJobData>(
        deliveryQueueName(channel),
        (job) => this.deliveries.deliver(job.data.deliveryId),
        {
          concurrency: this.config.delivery.concurrency,
          // A job whose worker went silent for this long is re-run by another worker; its claim does nothing
          // while the delivery's lease lives (a slow live send is not repeated). A dead worker's deliveries
          // are taken over once their lease ends, through the reconciler.
          lockDuration: Math.min(30_000, this.config.delivery.sendingLeaseMs),
          stalledInterval: Math.min(30_000, this.config.delivery.sendingLeaseMs),
        },
      );
      worker.on('error', (error) => this.logger.error(`${channel} worker: ${error.message}`));
      this.workers.push(worker);
    }
    this.logger.log(`delivering ${this.channels.channels().join(', ')} on the ${this.backend.kind} queue backend`);
  }

  /**
   * Lets in-flight sends finish, so their outcome is recorded rather than left to
   * the lease. The first shutdown phase: the database, queues and inbox events
   * these sends need close in the later ones.
   */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
