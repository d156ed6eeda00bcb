import { Injectable, Logger } from '@nestjs/common';
import {
  CLOSE_DIGEST_JOB,
  CloseDigestJobData,
  DIGEST_QUEUE,
  OrchestrationQueues,
  QUEUE_ENQUEUE_TIMEOUT_MS,
  within,
} from '@herald/core';
import type { Queue } from 'bullmq';

/** The producer side of digest closes. PostgreSQL stays the truth: a lost job is the reconciler's to make up. */
@Injectable()
export class DigestQueue {
  private readonly logger = new Logger(DigestQueue.name);

  constructor(private readonly queues: OrchestrationQueues) {}

  private get queue(): Queue<CloseDigestJobData> {
    return this.queues.queue<CloseDigestJobData>(DIGEST_QUEUE);
  }

  /**
   * The close of `digestId` in `delayMs`. Its job id is the digest's with the reason (`window`, `full`), so the
   * close of a digest that filled early is not taken for the window's job already waiting. Never throws.
   */
  async scheduleClose(digestId: string, delayMs: number, reason: 'window' | 'full'): Promise<void> {
    try {
      await within(
        this.queue.add(
          CLOSE_DIGEST_JOB,
          { digestId },
          {
            jobId: `${digestId}-${reason}`,
            delay: Math.max(0, delayMs),
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: true,
          },
        ),
        QUEUE_ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      this.logger.warn(
        `close of digest ${digestId} not enqueued, the reconciler will close it: ${(error as Error).message}`,
      );
    }
  }
}
