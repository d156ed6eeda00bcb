import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BroadcastQueue, DeliveryJobRequest, DeliveryQueue, HeraldConfig, HeraldError } from '@herald/core';
import { DataSource } from 'typeorm';
import { deliveryJobs } from '../accept/accepted';
import { NotificationPlanner } from '../accept/notification-planner';
import type { SendNotificationDto } from '../dto/send-notification.dto';
import { NotificationRepository } from '../notification.repository';
import type { PlannedNotification } from '../notification.types';
import { BroadcastRepository } from './broadcast.repository';
import type { FanOutState } from './broadcast.types';

/** Broadcasts the reconciler hands back per pass. */
const RECONCILE_BATCH = 100;

/**
 * A broadcast's fan-out, in the worker: one notification per subscriber, made page by page exactly as a batch
 * send makes its items (NotificationPlanner with the batch's shared reads, then one statement for the page,
 * then chunk jobs after the commit), so every subscriber gets its own deliveries, preferences, opt-outs and
 * throttles. Each page is one transaction that locks the broadcast, reads the page after its cursor, stores its
 * notifications and advances the cursor: a worker killed mid-page loses the page's transaction and nothing else,
 * and whoever runs the job next resumes after the last page committed, creating no notification twice.
 */
@Injectable()
export class FanOutService {
  private readonly logger = new Logger(FanOutService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly broadcasts: BroadcastRepository,
    private readonly planner: NotificationPlanner,
    private readonly notifications: NotificationRepository,
    private readonly deliveries: DeliveryQueue,
    private readonly queue: BroadcastQueue,
    private readonly config: HeraldConfig,
  ) {}

  /**
   * Fans the broadcast out to the end, or until `stopping` says so between pages (a worker shutting down): the
   * broadcast then stays `fanning_out` at its cursor, and the reconciler hands it to a worker again.
   */
  async fanOut(broadcastId: string, stopping: () => boolean = () => false): Promise<void> {
    // A page's jobs are enqueued while the next page is made: the queue store's round trips overlap PostgreSQL's.
    const enqueues: Promise<void>[] = [];
    try {
      while (!stopping() && (await this.page(broadcastId, enqueues)));
    } finally {
      await Promise.all(enqueues);
    }
  }

  /** Re-adds the job of broadcasts that stopped advancing (a lost job, a worker killed); returns how many. */
  async reconcile(): Promise<number> {
    const idle = await this.broadcasts.findIdle(this.config.delivery.reconcileIntervalMs, RECONCILE_BATCH);
    await this.queue.enqueueAfterCommit(idle);
    if (idle.length) this.logger.log(`re-enqueued the fan-out of ${idle.length} broadcasts`);
    return idle.length;
  }

  /** One page; true while more remain. Its delivery jobs go on `enqueues` (which never reject) after the commit. */
  private async page(broadcastId: string, enqueues: Promise<void>[]): Promise<boolean> {
    let stored: PlannedNotification[] = [];
    const more = await this.dataSource.transaction(async (manager) => {
      const state = await this.broadcasts.lock(manager, broadcastId);
      if (!state || state.status === 'completed') return false;
      const batchSize = this.config.delivery.fanOutBatchSize;
      const subscribers = await this.broadcasts.subscriberPage(manager, state, batchSize);
      stored = await this.plan(state, subscribers);
      const createdAt = new Date();
      await this.notifications.insertAll(
        stored.map((plan) => ({ plan, createdAt })),
        manager,
      );
      const done = subscribers.length < batchSize;
      await this.broadcasts.advance(manager, broadcastId, {
        cursor: subscribers.at(-1) ?? state.cursor,
        created: stored.length,
        skipped: subscribers.length - stored.length,
        done,
      });
      return !done;
    });
    const jobs: DeliveryJobRequest[] = deliveryJobs(stored);
    enqueues.push(this.deliveries.enqueueAfterCommit(jobs));
    return more;
  }

  /**
   * Each subscriber's notification, planned side by side with shared reads. A subscriber refused as a send to
   * it would be (erased meanwhile, data its locale's content does not render with) is skipped; anything else
   * (PostgreSQL gone) fails the page, which runs again.
   */
  private async plan(state: FanOutState, subscribers: string[]): Promise<PlannedNotification[]> {
    const lookups = this.planner.batchLookups();
    const plans = await Promise.all(
      subscribers.map(async (recipientId) => {
        const dto = { ...state.request, to: { recipientId } } as SendNotificationDto;
        try {
          return { ...(await this.planner.plan(dto, state.apiKeyId, undefined, lookups)), broadcastId: state.id };
        } catch (error) {
          if (error instanceof HeraldError && error.status < 500) return undefined;
          throw error;
        }
      }),
    );
    return plans.filter((plan) => plan !== undefined);
  }
}
