import { Injectable, Logger, BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Channel, CHANNELS } from '../domain/channel';
import { within } from '../runtime/within';
import {
  DELIVER_JOB,
  DeliveryJobData,
  DeliveryJobRequest,
  deliveryJobId,
  deliveryQueueName,
  PRIORITY_RANK,
} from './delivery-job';
import { QueueBackend } from './queue-backend';

/** How long `enqueueAfterCommit` waits for the queue store before it logs and leaves the rows to the reconciler. */
const ENQUEUE_TIMEOUT_MS = 2_000;

/** The producer side: hands delivery ids to the channel queues. PostgreSQL stays the source of truth. */
@Injectable()
export class DeliveryQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryQueue.name);
  private readonly queues = new Map<Channel, Queue<DeliveryJobData>>();

  constructor(private readonly backend: QueueBackend) {}

  queue(channel: Channel): Queue<DeliveryJobData> {
    let queue = this.queues.get(channel);
    if (!queue) {
      queue = this.backend.createQueue<DeliveryJobData>(deliveryQueueName(channel));
      // Connection errors are retried by the client; unheard, an 'error' event would end the process.
      queue.on('error', (error) => this.logger.warn(`${channel} queue: ${error.message}`));
      this.queues.set(channel, queue);
    }
    return queue;
  }

  /** Adding a job whose id (the delivery id and its attempt) already exists is a no-op, so re-enqueueing is harmless. */
  async enqueue(requests: DeliveryJobRequest[]): Promise<void> {
    await Promise.all(
      CHANNELS.map(async (channel) => {
        const jobs = requests.filter((request) => request.channel === channel);
        if (!jobs.length) return;
        await this.queue(channel).addBulk(
          jobs.map((job) => ({
            name: DELIVER_JOB,
            data: { deliveryId: job.deliveryId },
            opts: {
              jobId: deliveryJobId(job.deliveryId, job.attemptsMade),
              priority: PRIORITY_RANK[job.priority],
              delay: Math.max(0, job.delayMs ?? 0),
              // One run: the delivery row counts the attempts (DELIVERY_MAX_ATTEMPTS) and a retry is a job of its own.
              attempts: 1,
              removeOnComplete: true,
              removeOnFail: true,
            },
          })),
        );
      }),
    );
  }

  /**
   * The enqueue that follows a commit: the rows are already the truth, so a
   * queue store that fails or does not answer within `timeoutMs` is logged,
   * never thrown, and never holds the caller's answer back. The reconciler
   * later re-enqueues `queued` rows that have no job.
   */
  async enqueueAfterCommit(requests: DeliveryJobRequest[], timeoutMs = ENQUEUE_TIMEOUT_MS): Promise<void> {
    if (!requests.length) return;
    try {
      await within(this.enqueue(requests), timeoutMs);
    } catch (error) {
      const ids = requests.map((request) => request.deliveryId).join(', ');
      this.logger.warn(`enqueue of deliveries ${ids} failed, the reconciler will retry: ${(error as Error).message}`);
    }
  }

  async counts(): Promise<Record<Channel, Record<string, number>>> {
    const entries = await Promise.all(
      CHANNELS.map(
        async (channel) =>
          [
            channel,
            await this.queue(channel).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
          ] as const,
      ),
    );
    return Object.fromEntries(entries) as Record<Channel, Record<string, number>>;
  }

  get backendKind(): QueueBackend['kind'] {
    return this.backend.kind;
  }

  /** A round trip to the queue store. */
  async ping(): Promise<void> {
    await this.queue('email').getJobCounts('waiting');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
