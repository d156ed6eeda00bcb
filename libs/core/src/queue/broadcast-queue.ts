import { Injectable, Logger } from '@nestjs/common';
import { within } from '../runtime/within';
import { BROADCAST_QUEUE, FAN_OUT_JOB, FanOutJobData } from './broadcast-job';
import { OrchestrationQueues } from './orchestration-queues';
import { QUEUE_ENQUEUE_TIMEOUT_MS } from './queue-backend';

/** The producer of fan-out jobs. The broadcast row is the truth; a job only wakes a worker up to advance it. */
@Injectable()
export class BroadcastQueue {
  private readonly logger = new Logger(BroadcastQueue.name);

  constructor(private readonly queues: OrchestrationQueues) {}

  /**
   * The job's id is the broadcast's: adding it while a job of the broadcast waits or runs is a no-op, so the
   * reconciler may re-add it freely. Never throws: a broadcast whose job was not added is found by the reconciler.
   */
  async enqueueAfterCommit(broadcastIds: string[]): Promise<void> {
    if (!broadcastIds.length) return;
    try {
      await within(
        this.queues.queue<FanOutJobData>(BROADCAST_QUEUE).addBulk(
          broadcastIds.map((broadcastId) => ({
            name: FAN_OUT_JOB,
            data: { broadcastId },
            opts: { jobId: broadcastId, attempts: 1, removeOnComplete: true, removeOnFail: true },
          })),
        ),
        QUEUE_ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      this.logger.warn(
        `enqueue of broadcasts ${broadcastIds.slice(0, 5).join(', ')} failed, the reconciler will retry: ${(error as Error).message}`,
      );
    }
  }
}
