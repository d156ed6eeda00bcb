import { Injectable, Logger, BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { HeraldConfig } from '../config/herald-config';
import { Channel, CHANNELS } from '../domain/channel';
import { within } from '../runtime/within';
import {
  DELIVER_CHUNK_JOB,
  DELIVER_JOB,
  DeliveryJobRequest,
  deliveryJobId,
  DeliveryQueueJobData,
  deliveryQueueName,
  PRIORITY_RANK,
} from './delivery-job';
import { QUEUE_ENQUEUE_TIMEOUT_MS, QueueBackend } from './queue-backend';

/** The most deliveries one chunk job carries (one worker runs them one after the other). */
const MAX_CHUNK = 100;

/**
 * How a group of same-channel, same-priority, same-delay deliveries goes on the
 * queue: in chunks sized so that the group still spreads over every slot of a
 * worker (WORKER_CONCURRENCY), since a chunk runs its deliveries in turn. A
 * group no larger than that is one job per delivery, as a single send always is.
 */
export function chunkSizes(count: number, concurrency: number): number[] {
  const size = Math.min(MAX_CHUNK, Math.ceil(count / Math.max(1, concurrency)));
  const sizes: number[] = [];
  for (let left = count; left > 0; left -= size) sizes.push(Math.min(size, left));
  return sizes;
}

/** The producer side: hands delivery ids to the channel queues. PostgreSQL stays the source of truth. */
@Injectable()
export class DeliveryQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryQueue.name);
  private readonly queues = new Map<Channel, Queue<DeliveryQueueJobData>>();

  constructor(
    private readonly backend: QueueBackend,
    private readonly config: HeraldConfig,
  ) {}

  queue(channel: Channel): Queue<DeliveryQueueJobData> {
    let queue = this.queues.get(channel);
    if (!queue) {
      queue = this.backend.createQueue<DeliveryQueueJobData>(deliveryQueueName(channel));
      this.queues.set(channel, queue);
    }
    return queue;
  }

  /**
   * One job per delivery attempt, its id the delivery id and its attempt (`deliveryJobId`): adding a job whose id
   * already exists is a no-op, so re-enqueueing (the reconciler, a retry) is harmless.
   */
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
   * Requests grouped by channel, priority and delay, each group split by
   * `chunkSizes`: chunks of one are ordinary delivery jobs, larger ones
   * DELIVER_CHUNK_JOBs, one `addBulk` per channel. A chunk job is not retried
   * as a whole (its deliveries are, each on its own) and has no fixed id: the
   * claim of each row is what keeps a delivery from being sent twice.
   */
  async enqueueChunked(requests: DeliveryJobRequest[]): Promise<void> {
    const groups = new Map<string, DeliveryJobRequest[]>();
    for (const request of requests) {
      const delayMs = Math.max(0, request.delayMs ?? 0);
      const key = `${request.channel}|${request.priority}|${delayMs}`;
      const group = groups.get(key);
      if (group) group.push(request);
      else groups.set(key, [request]);
    }
    const singles: DeliveryJobRequest[] = [];
    const chunks = new Map<Channel, Parameters<Queue<DeliveryQueueJobData>['addBulk']>[0]>();
    for (const group of groups.values()) {
      const [{ channel, priority, delayMs }] = group;
      let start = 0;
      for (const size of chunkSizes(group.length, this.config.delivery.concurrency)) {
        const part = group.slice(start, (start += size));
        if (size === 1) {
          singles.push(part[0]);
          continue;
        }
        const list = chunks.get(channel) ?? [];
        list.push({
          name: DELIVER_CHUNK_JOB,
          data: { deliveryIds: part.map((request) => request.deliveryId), priority },
          opts: {
            priority: PRIORITY_RANK[priority],
            delay: Math.max(0, delayMs ?? 0),
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: true,
          },
        });
        chunks.set(channel, list);
      }
    }
    await Promise.all([
      this.enqueue(singles),
      ...[...chunks].map(([channel, jobs]) => this.queue(channel).addBulk(jobs)),
    ]);
  }

  /**
   * The enqueue that follows a commit: the rows are already the truth, so a
   * queue store that fails or does not answer within `timeoutMs` is logged,
   * never thrown, and never holds the caller's answer back. The reconciler
   * later re-enqueues `queued` rows that have no job. `chunked` (the accept
   * path) lets large groups go as chunk jobs; a retry goes back on its own.
   */
  async enqueueAfterCommit(
    requests: DeliveryJobRequest[],
    { chunked = true, timeoutMs = QUEUE_ENQUEUE_TIMEOUT_MS }: { chunked?: boolean; timeoutMs?: number } = {},
  ): Promise<void> {
    if (!requests.length) return;
    try {
      await within(chunked ? this.enqueueChunked(requests) : this.enqueue(requests), timeoutMs);
    } catch (error) {
      const ids = requests.slice(0, 5).map((request) => request.deliveryId);
      if (requests.length > ids.length) ids.push(`and ${requests.length - ids.length} more`);
      this.logger.warn(
        `enqueue of deliveries ${ids.join(', ')} failed, the reconciler will retry: ${(error as Error).message}`,
      );
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
    await Promise.all([...this.queues.values()].map((queue) => this.backend.close(queue)));
  }
}
