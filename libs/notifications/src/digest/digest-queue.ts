import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { QueueBackend, within } from '@herald/core';
import type { Queue } from 'bullmq';

/** The queue of digest closes: a delayed job per digest, due when its window ends (or at once when full). */
export const DIGEST_QUEUE = 'digest-close';
export const CLOSE_DIGEST_JOB = 'close-digest';

export interface CloseDigestJobData {
  digestId: string;
}

/** How long the send that opened a digest waits for the queue store before it leaves the close to the reconciler. */
const ENQUEUE_TIMEOUT_MS = 2_000;

/** The producer side of digest closes. PostgreSQL stays the truth: a lost job is the reconciler's to make up. */
@Injectable()
export class DigestQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DigestQueue.name);
  private created?: Queue<CloseDigestJobData>;

  constructor(private readonly backend: QueueBackend) {}

  private get queue(): Queue<CloseDigestJobData> {
    if (!this.created) {
      this.created = this.backend.createQueue<CloseDigestJobData>(DIGEST_QUEUE);
      this.created.on('error', (error) => this.logger.warn(`digest queue: ${error.message}`));
    }
    return this.created;
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
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      this.logger.warn(
        `close of digest ${digestId} not enqueued, the reconciler will close it: ${(error as Error).message}`,
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.created) await this.backend.close(this.created);
  }
}
