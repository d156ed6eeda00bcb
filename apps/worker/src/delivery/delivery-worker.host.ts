import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import {
  Channel,
  DatabaseAvailability,
  DELIVER_CHUNK_JOB,
  DeliveryChunkJobData,
  DeliveryJobData,
  DeliveryQueueJobData,
  deliveryQueueName,
  HeraldConfig,
  isDatabaseUnreachable,
  QueueBackend,
} from '@herald/core';
import { ChannelRegistry } from '@herald/channels';
import { DeliveryChunkService, DeliveryService } from '@herald/notifications';

/** How often a worker paused by a PostgreSQL outage asks whether it is back. */
const OUTAGE_PROBE_MS = 1_000;

/**
 * One BullMQ worker per channel queue that has a driver. Every queue carries the
 * same jobs (deliver one delivery row, or a chunk of them), so each worker hands
 * its job to DeliveryService or DeliveryChunkService; the channel only decides
 * which driver sends. While PostgreSQL is unreachable the workers take no jobs
 * (each would only fail its claim), and they resume by themselves once it answers.
 */
@Injectable()
export class DeliveryWorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryWorkerHost.name);
  private readonly workers: Worker<DeliveryQueueJobData>[] = [];
  private outage?: Promise<void>;
  private closing = false;
  /** The runs (sends) in progress, waited for at shutdown. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly backend: QueueBackend,
    private readonly channels: ChannelRegistry,
    private readonly deliveries: DeliveryService,
    private readonly chunks: DeliveryChunkService,
    private readonly database: DatabaseAvailability,
    private readonly config: HeraldConfig,
  ) {}

  /** True while an outage of PostgreSQL keeps the workers from taking jobs. */
  get paused(): boolean {
    return this.outage !== undefined;
  }

  onApplicationBootstrap(): void {
    for (const channel of this.channels.channels()) {
      const worker = this.backend.createWorker<DeliveryQueueJobData>(
        deliveryQueueName(channel),
        (job) => this.dispatch(channel, job),
        {
          concurrency: this.config.delivery.concurrency,
          // A job whose worker went silent for this long is re-run by another worker; its claim does nothing
          // while the delivery's lease lives (a slow live send is not repeated). A dead worker's deliveries
          // are taken over once their lease ends, through the reconciler. A job a dead worker had taken but not
          // yet claimed is found stalled within about 20 s (BullMQ renews the lock of a live job every 7.5 s).
          lockDuration: Math.min(15_000, this.config.delivery.sendingLeaseMs),
          stalledInterval: Math.min(5_000, this.config.delivery.sendingLeaseMs),
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
   * these sends need close in the later ones. The sends are waited for as long
   * as they take (each driver bounds its own); closing the workers after them is
   * bounded, since it can wait for good on a queue store that is gone (a Redis
   * Cluster master lost in a failover).
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.outage;
    // pause(true) stops taking jobs without a round trip to the queue store.
    await Promise.all(this.workers.map((worker) => worker.pause(true)));
    await Promise.allSettled([...this.running]);
    await Promise.all(this.workers.map((worker) => this.backend.close(worker)));
  }

  /** Which job this is: a chunk (the batch path) or one delivery (a single send, a retry, the reconciler). */
  private dispatch(channel: Channel, job: Job<DeliveryQueueJobData>): Promise<void> {
    if (job.name === DELIVER_CHUNK_JOB) {
      return this.pausingOnOutage(this.chunks.deliverChunk(channel, job.data as DeliveryChunkJobData));
    }
    return this.pausingOnOutage(this.deliveries.deliver((job.data as DeliveryJobData).deliveryId));
  }

  /**
   * A job's run. A claim that could not reach PostgreSQL fails its job, and
   * the delivery, still `queued`, is enqueued again by the reconciler once
   * PostgreSQL is back; meanwhile the workers pause.
   */
  private async pausingOnOutage(run: Promise<void>): Promise<void> {
    this.running.add(run);
    try {
      await run;
    } catch (error) {
      if (isDatabaseUnreachable(error)) this.pauseWhileDatabaseDown();
      throw error;
    } finally {
      this.running.delete(run);
    }
  }

  private pauseWhileDatabaseDown(): void {
    this.outage ??= (async () => {
      this.logger.warn('PostgreSQL is unreachable: taking no jobs until it answers');
      // Without waiting for the jobs in flight: their outcomes are written once PostgreSQL is back.
      await Promise.all(this.workers.map((worker) => worker.pause(true)));
      while (!this.closing && !(await this.database.reachable())) await sleep(OUTAGE_PROBE_MS);
      if (this.closing) return;
      await Promise.all(this.workers.map((worker) => worker.resume()));
      this.logger.log('PostgreSQL answers again: taking jobs');
    })()
      .catch((error: Error) => this.logger.error(`pausing for the PostgreSQL outage failed: ${error.message}`))
      .finally(() => {
        this.outage = undefined;
      });
  }
}
