import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'bullmq';
import { CloseDigestJobData, DIGEST_QUEUE, QueueBackend } from '@herald/core';
import { DigestCloseService } from '@herald/notifications';

/** Digest closes run beside deliveries; a few at a time is plenty (each is one short transaction). */
const CONCURRENCY = 4;

/**
 * The worker of the digest-close queue: each job closes one digest. A job that fails (PostgreSQL unreachable) is
 * not retried by the queue: the digest stays open past its time, and the reconciler closes it.
 */
@Injectable()
export class DigestWorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DigestWorkerHost.name);
  private worker?: Worker<CloseDigestJobData>;

  constructor(
    private readonly backend: QueueBackend,
    private readonly digests: DigestCloseService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = this.backend.createWorker<CloseDigestJobData>(
      DIGEST_QUEUE,
      (job) => this.digests.close(job.data.digestId),
      { concurrency: CONCURRENCY },
    );
    this.worker.on('error', (error) => this.logger.error(`digest worker: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    // Bounded: on a Redis Cluster that lost a master, BullMQ's close can wait for good (QueueBackend.close).
    if (this.worker) await this.backend.close(this.worker);
  }
}
