import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import { BROADCAST_QUEUE, FanOutJobData, QueueBackend } from '@herald/core';
import { FanOutService } from '@herald/notifications';

/** Broadcasts fanned out at once by one worker process; each holds a database connection while a page runs. */
const FAN_OUT_CONCURRENCY = 2;

/**
 * The BullMQ worker of the broadcast queue: each job fans one broadcast out to the end (FanOutService). A job
 * that fails (PostgreSQL unreachable) leaves the broadcast `fanning_out` at its last committed page, and the
 * reconciler adds its job again once it stops advancing; the job of a process that died is found stalled.
 */
@Injectable()
export class FanOutWorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FanOutWorkerHost.name);
  private worker?: Worker<FanOutJobData>;
  private closing = false;

  constructor(
    private readonly backend: QueueBackend,
    private readonly fanOut: FanOutService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.backend.createWorker<FanOutJobData>(
      BROADCAST_QUEUE,
      (job) => this.fanOut.fanOut(job.data.broadcastId, () => this.closing),
      // A dead worker's job is found stalled within about 20 s and run again from the broadcast's cursor (BullMQ
      // renews the lock of a live job every 7.5 s), as a delivery job is.
      { concurrency: FAN_OUT_CONCURRENCY, lockDuration: 15_000, stalledInterval: 5_000 },
    );
    this.worker.on('error', (error) => this.logger.error(`broadcast worker: ${error.message}`));
  }

  /**
   * Stops each fan-out after the page in flight commits, rather than at the end of a large topic; the reconciler
   * of a live worker hands the rest on.
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    // Bounded: on a Redis Cluster that lost a master, BullMQ's close can wait for good (QueueBackend.close).
    if (this.worker) await this.backend.close(this.worker);
  }
}
