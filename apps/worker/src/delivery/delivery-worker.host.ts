import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import {
  Channel,
  DELIVER_CHUNK_JOB,
  DeliveryChunkJobData,
  DeliveryJobData,
  DeliveryQueueJobData,
  deliveryQueueName,
  HeraldConfig,
  QueueBackend,
  RetryLaterError,
} from '@herald/core';
import { ChannelRegistry } from '@herald/channels';
import { DeliveryChunkService, DeliveryService } from '@herald/notifications';

/**
 * One BullMQ worker per channel queue that has a driver. Every queue carries the
 * same jobs (deliver one delivery row, or a chunk of them), so each worker hands
 * its job to DeliveryService or DeliveryChunkService; the channel only decides
 * which driver sends.
 */
@Injectable()
export class DeliveryWorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryWorkerHost.name);
  private readonly workers: Worker<DeliveryQueueJobData>[] = [];

  constructor(
    private readonly backend: QueueBackend,
    private readonly channels: ChannelRegistry,
    private readonly deliveries: DeliveryService,
    private readonly chunks: DeliveryChunkService,
    private readonly config: HeraldConfig,
  ) {}

  /** Which job this is: a chunk (the batch path) or one delivery (a single send, a retry, the reconciler). */
  private dispatch(channel: Channel, job: Job<DeliveryQueueJobData>): Promise<void> {
    if (job.name === DELIVER_CHUNK_JOB) return this.chunks.deliverChunk(channel, job.data as DeliveryChunkJobData);
    return this.deliveries.deliver((job.data as DeliveryJobData).deliveryId);
  }

  onApplicationBootstrap(): void {
    for (const channel of this.channels.channels()) {
      const worker = this.backend.createWorker<DeliveryQueueJobData>(
        deliveryQueueName(channel),
        (job) => this.dispatch(channel, job),
        {
          concurrency: this.config.delivery.concurrency,
          // A job whose worker went silent for this long is re-run by another worker; the claim
          // then takes over a `sending` row only once the lease has passed, so a slow live send is not repeated.
          lockDuration: Math.min(30_000, this.config.delivery.sendingLeaseMs),
          stalledInterval: Math.min(30_000, this.config.delivery.sendingLeaseMs),
          // The processor computed the delay (backoff with jitter, or the provider's Retry-After).
          settings: {
            backoffStrategy: (_attempts, _type, error) => (error instanceof RetryLaterError ? error.delayMs : 1000),
          },
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
