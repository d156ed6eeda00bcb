import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { BROADCAST_QUEUE } from './broadcast-job';
import { DIGEST_QUEUE } from './digest-job';
import { QueueBackend } from './queue-backend';

/** The queues of API.md §9 beside the channel queues: a broadcast's fan-out, a digest's close. */
export const ORCHESTRATION_QUEUES = [BROADCAST_QUEUE, DIGEST_QUEUE] as const;
export type OrchestrationQueueName = (typeof ORCHESTRATION_QUEUES)[number];

/**
 * The process's one Queue of each orchestration queue, shared by its producer (BroadcastQueue, DigestQueue) and
 * its readers (the admin stats, /metrics, the queue dashboard): on the PostgreSQL backend each Queue is a
 * connection pool of its own, so a reader does not open a second one. Each is opened at its first use.
 */
@Injectable()
export class OrchestrationQueues implements BeforeApplicationShutdown {
  private readonly queues = new Map<OrchestrationQueueName, Queue>();

  constructor(private readonly backend: QueueBackend) {}

  queue<T>(name: OrchestrationQueueName): Queue<T> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = this.backend.createQueue(name);
      this.queues.set(name, queue);
    }
    return queue as Queue<T>;
  }

  /** Each queue's job counts by state, as DeliveryQueue's `counts` reads the channel queues. */
  async counts(): Promise<Record<OrchestrationQueueName, Record<string, number>>> {
    const entries = await Promise.all(
      ORCHESTRATION_QUEUES.map(
        async (name) =>
          [name, await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized')] as const,
      ),
    );
    return Object.fromEntries(entries) as Record<OrchestrationQueueName, Record<string, number>>;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => this.backend.close(queue)));
  }
}
