import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BroadcastQueue, DeliveryQueue, HeraldConfig, HeraldError } from '@herald/core';
import { ResolvedTemplate, TemplateService } from '@herald/templates';
import { DataSource, EntityManager } from 'typeorm';
import { deliveryJobs } from '../accept/accepted';
import { AcceptLookups, DraftNotification, NotificationPlanner } from '../accept/notification-planner';
import type { SendNotificationDto } from '../dto/send-notification.dto';
import { NotificationRepository } from '../notification.repository';
import type { PlannedNotification } from '../notification.types';
import { ThrottleService, throttledPlan } from '../throttle/throttle.service';
import { BroadcastRepository } from './broadcast.repository';
import type { FanOutState } from './broadcast.types';

/** Broadcasts the reconciler hands back per pass. */
const RECONCILE_BATCH = 100;

/** A page of subscribers read and planned, its throttle places not yet taken. */
interface PreparedPage {
  /** The cursor it follows: a page is stored only while the broadcast's cursor is still this. */
  after: string | null;
  subscribers: string[];
  drafts: DraftNotification[];
}

/** What one `fanOut` call reads once: the broadcast's pinned template version, resolved. */
type PinnedTemplate = (state: FanOutState) => Promise<ResolvedTemplate> | undefined;

/**
 * A broadcast's fan-out, in the worker: one notification per subscriber, made page by page exactly as a batch
 * send makes its items (NotificationPlanner with the batch's shared reads, then one statement for the page,
 * then chunk jobs after the commit), so every subscriber gets its own deliveries, preferences, opt-outs and
 * throttles, all with the template version the broadcast was accepted with. Each page is one transaction that
 * locks the broadcast, takes its subscribers' throttle places, stores its notifications and advances the cursor:
 * a worker killed mid-page loses the page's transaction (places included) and nothing else, and whoever runs the
 * job next resumes after the last page committed, creating no notification twice and counting none twice.
 *
 * Pages overlap: while a page is stored and committed, the next one (the subscribers after its last) is read and
 * planned on another connection, and its delivery jobs are enqueued while the next is stored. The prepared page
 * is used only if the broadcast's cursor, read under the lock, is the one it was read after; otherwise (another
 * worker ran pages meanwhile) the page is read and planned again inside the transaction.
 */
@Injectable()
export class FanOutService {
  private readonly logger = new Logger(FanOutService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly broadcasts: BroadcastRepository,
    private readonly planner: NotificationPlanner,
    private readonly templates: TemplateService,
    private readonly throttles: ThrottleService,
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
    const enqueues: Promise<void>[] = [];
    let pinned: Promise<ResolvedTemplate> | undefined;
    const template: PinnedTemplate = (state) => {
      if (state.templateVersion === null || !state.request.template) return undefined;
      return (pinned ??= this.templates.resolve(state.request.template, state.templateVersion));
    };
    // Never rejects: a page that could not be prepared ahead is prepared in its transaction.
    let next: Promise<PreparedPage | undefined> = Promise.resolve(undefined);
    try {
      while (!stopping()) {
        const step = await this.page(broadcastId, next, template, enqueues);
        if (!step) break;
        next = step.next;
      }
    } finally {
      await Promise.all([...enqueues, next]);
    }
  }

  /** Re-adds the job of broadcasts that stopped advancing (a lost job, a worker killed); returns how many. */
  async reconcile(): Promise<number> {
    const idle = await this.broadcasts.findIdle(this.config.delivery.reconcileIntervalMs, RECONCILE_BATCH);
    await this.queue.enqueueAfterCommit(idle);
    if (idle.length) this.logger.log(`re-enqueued the fan-out of ${idle.length} broadcasts`);
    return idle.length;
  }

  /**
   * One page, from `prepared` when it still follows the cursor. Answers the next page being prepared (wrapped, not
   * awaited) while more remain, else false. Its delivery jobs go on `enqueues` (which never reject) after the commit.
   */
  private async page(
    broadcastId: string,
    prepared: Promise<PreparedPage | undefined>,
    template: PinnedTemplate,
    enqueues: Promise<void>[],
  ): Promise<{ next: Promise<PreparedPage | undefined> } | false> {
    const batchSize = this.config.delivery.fanOutBatchSize;
    let stored: PlannedNotification[] = [];
    let next: Promise<PreparedPage | undefined> | undefined;
    try {
      await this.dataSource.transaction(async (manager) => {
        const state = await this.broadcasts.lock(manager, broadcastId);
        if (!state || state.status === 'completed') return;
        let page = await prepared;
        if (page?.after !== state.cursor) page = await this.prepare(manager, state, state.cursor, template);
        const done = page.subscribers.length < batchSize;
        if (!done) {
          const after = page.subscribers.at(-1)!;
          next = this.prepare(this.dataSource.manager, state, after, template).catch(() => undefined);
        }
        stored = await this.admitThrottles(manager, page.drafts);
        const createdAt = new Date();
        await this.notifications.insertAll(
          stored.map((plan) => ({ plan, createdAt })),
          manager,
        );
        await this.broadcasts.advance(manager, broadcastId, {
          cursor: page.subscribers.at(-1) ?? state.cursor,
          created: stored.length,
          skipped: page.subscribers.length - stored.length,
          done,
        });
      });
    } catch (error) {
      // The page is run again from its cursor by whoever takes the job; nothing prepared after it is kept.
      await next;
      throw error;
    }
    enqueues.push(this.deliveries.enqueueAfterCommit(deliveryJobs(stored)));
    return next ? { next } : false;
  }

  /** The subscribers after `after`, read with `manager`, each planned but for their throttle places. */
  private async prepare(
    manager: EntityManager,
    state: FanOutState,
    after: string | null,
    template: PinnedTemplate,
  ): Promise<PreparedPage> {
    const subscribers = await this.broadcasts.subscriberPage(
      manager,
      state,
      after,
      this.config.delivery.fanOutBatchSize,
    );
    return { after, subscribers, drafts: await this.plan(state, subscribers, template(state)) };
  }

  /**
   * Each subscriber's notification, planned side by side with shared reads. A subscriber refused as a send to
   * it would be (erased meanwhile, data its locale's content does not render with) is skipped; anything else
   * (PostgreSQL gone) fails the page, which runs again.
   */
  private async plan(
    state: FanOutState,
    subscribers: string[],
    template: Promise<ResolvedTemplate> | undefined,
  ): Promise<DraftNotification[]> {
    const shared = this.planner.batchLookups();
    const lookups: AcceptLookups = template ? { ...shared, template: () => template } : shared;
    const drafts = await Promise.all(
      subscribers.map(async (recipientId) => {
        const dto = { ...state.request, to: { recipientId } } as SendNotificationDto;
        try {
          const draft = await this.planner.draft(dto, state.apiKeyId, undefined, lookups);
          return { ...draft, plan: { ...draft.plan, broadcastId: state.id } };
        } catch (error) {
          if (error instanceof HeraldError && error.status < 500) return undefined;
          throw error;
        }
      }),
    );
    return drafts.filter((draft) => draft !== undefined);
  }

  /** The page's throttle places, taken in its transaction: they count once, with the notifications they admit. */
  private async admitThrottles(manager: EntityManager, drafts: DraftNotification[]): Promise<PlannedNotification[]> {
    const hits = drafts.flatMap((draft) => (draft.throttle ? [draft.throttle] : []));
    if (!hits.length) return drafts.map((draft) => draft.plan);
    const admitted = await this.throttles.admitIn(manager, hits);
    let n = 0;
    return drafts.map((draft) => (!draft.throttle || admitted[n++] ? draft.plan : throttledPlan(draft.plan)));
  }
}
