import { Injectable, Logger } from '@nestjs/common';
import { DeliveryQueue, HeraldError } from '@herald/core';
import { deliveryJobs } from '../accept/accepted';
import { AcceptLookups, NotificationPlanner } from '../accept/notification-planner';
import type { SendNotificationDto } from '../dto/send-notification.dto';
import { NotificationRepository } from '../notification.repository';
import type { PlannedNotification } from '../notification.types';
import { DigestRepository } from './digest.repository';
import type { DueDigest } from './digest.types';

/** The most digests one reconciler pass closes. */
const DUE_PER_PASS = 100;

/**
 * Closing a digest into its one notification, rendered with `{ events, count }` and planned as any send of its
 * template to its recipient (preferences, quiet hours, steps). The close job and the reconciler both call
 * `close`; whichever locks the digest first closes it, the other finds it closed.
 */
@Injectable()
export class DigestCloseService {
  private readonly logger = new Logger(DigestCloseService.name);

  constructor(
    private readonly digests: DigestRepository,
    private readonly planner: NotificationPlanner,
    private readonly notifications: NotificationRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  /**
   * One transaction marks the digest closed and stores its notification with its deliveries, so a worker killed
   * at any point leaves either an open digest (closed again by the reconciler) or both: never one twice, never
   * none. The deliveries are enqueued after the commit, as an accepted send's are (the reconciler finds a lost
   * job). A digest that cannot become a notification any more (its template or recipient deleted, data that
   * does not render) closes with the reason instead of coming back on every pass.
   */
  async close(digestId: string): Promise<void> {
    const plan = await this.digests.transaction(async (manager) => {
      const digest = await this.digests.lockDue(manager, digestId);
      if (!digest) return undefined;
      const events = await this.digests.events(manager, digest.id);
      let planned: PlannedNotification;
      try {
        planned = await this.planner.plan(digestSend(digest, events), digest.apiKeyId, undefined, this.lookups());
      } catch (error) {
        if (!(error instanceof HeraldError) || error.status >= 500) throw error;
        await this.digests.markClosed(manager, digest.id, null, error.message);
        this.logger.warn({ digestId }, `digest closed without a notification: ${error.message}`);
        return undefined;
      }
      await this.notifications.insertAll([{ plan: planned, createdAt: new Date() }], manager);
      await this.digests.markClosed(manager, digest.id, planned.id, null);
      return planned;
    });
    if (!plan) return;
    await this.queue.enqueueAfterCommit(deliveryJobs([plan]), { chunked: false });
    this.logger.log({ digestId, notificationId: plan.id, count: plan.data.count }, 'digest closed');
  }

  /** The reconciler's part: closes the digests due whose close job was lost. Answers how many it tried. */
  async closeDue(): Promise<number> {
    const due = await this.digests.due(DUE_PER_PASS);
    for (const id of due) {
      await this.close(id).catch((error: Error) => this.logger.warn(`close of digest ${id} failed: ${error.message}`));
    }
    return due.length;
  }

  /**
   * The planner's reads, with the template's schema and digest left out: the schema judged each send's data when
   * it joined, and `{ events, count }` is not that data.
   */
  private lookups(): AcceptLookups {
    const direct = this.planner.directLookups();
    return {
      ...direct,
      template: async (key) => {
        const template = await direct.template(key);
        return { ...template, definition: { ...template.definition, schema: undefined, digest: undefined } };
      },
    };
  }
}

/** The send a digest stands for: its template to its recipient, with every joined send's data. */
function digestSend(digest: DueDigest, events: Record<string, unknown>[]): SendNotificationDto {
  return {
    template: digest.templateKey,
    to: { recipientId: digest.recipientId },
    data: { events, count: events.length },
    priority: digest.priority,
  };
}
