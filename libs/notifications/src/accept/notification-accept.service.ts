import { Injectable, Logger, Optional } from '@nestjs/common';
import { AcceptTransport, canonicalHash, DeliveryJobRequest, DeliveryQueue, MetricsService } from '@herald/core';
import { DigestService } from '../digest/digest.service';
import type { DigestedSend } from '../digest/digest.types';
import { SendNotificationDto } from '../dto/send-notification.dto';
import { ABANDONED_AFTER_MS, claimOrReplay } from '../idempotency/idempotency-claim';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { NotificationInsert, NotificationRepository } from '../notification.repository';
import type { AcceptedNotification } from '../notification.types';
import { acceptedAnswer, deliveryJobs } from './accepted';
import { GroupRunner, ItemResult } from './group-runner';
import { NotificationPlanner } from './notification-planner';

/** Who is sending: idempotency keys are scoped per API key. */
export interface SendCaller {
  apiKeyId: string;
  /** How the request came, for the accepted-notifications metric; REST when not said. */
  transport?: AcceptTransport;
}

export interface AcceptResult {
  /** The notification accepted, or the digest a send of a digest template joined (API.md §9). */
  body: AcceptedNotification | DigestedSend;
  /** True when the answer is the stored answer of an earlier request with the same idempotency key. */
  replayed: boolean;
}

/** The hash an idempotency key protects: the body without the key itself (batch items carry it inline). */
export function requestHash(dto: SendNotificationDto): string {
  return canonicalHash({ ...dto, idempotencyKey: undefined });
}

/**
 * Accepting a notification, whichever transport brought it: plan it
 * (NotificationPlanner), then store the notification, its deliveries and its
 * idempotency answer in one statement before enqueueing. The one place the
 * single-send flow lives; NotificationBatchService does the same for many.
 *
 * Concurrent sends share their round trips (group commit, `GroupRunner`): the
 * sends planned while the previous group's statement ran are stored by the
 * next one statement, and enqueued by one `addBulk` per channel once stored.
 * Each caller still answers only once its own row is committed, and a row
 * that fails refuses only its own send.
 */
@Injectable()
export class NotificationAcceptService {
  private readonly logger = new Logger(NotificationAcceptService.name);
  private readonly stores = new GroupRunner<NotificationInsert, void>((rows) => this.store(rows));
  /**
   * The sends of one stored group come here in the same turn, so they share one `addBulk` per channel. Groups
   * do not wait for each other: each send still waits at most `enqueueAfterCommit`'s bound for Redis.
   */
  private readonly enqueues = new GroupRunner<DeliveryJobRequest[], void>(async (groups) => {
    // After the commit. A failure here loses nothing: the reconciler finds `queued` rows without a job. One job
    // per delivery, as a single send always had (a group of sends is no batch to chunk).
    await this.queue.enqueueAfterCommit(groups.flat(), { chunked: false });
    return groups.map(() => ({ ok: true, value: undefined }));
  }, Number.POSITIVE_INFINITY);

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly planner: NotificationPlanner,
    private readonly queue: DeliveryQueue,
    private readonly digests: DigestService,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async accept(
    dto: SendNotificationDto,
    caller: SendCaller,
    idempotencyKey = dto.idempotencyKey,
  ): Promise<AcceptResult> {
    const claimedAt = Date.now();
    if (idempotencyKey) {
      const stored = await claimOrReplay<AcceptedNotification | DigestedSend>(
        this.idempotency,
        caller.apiKeyId,
        idempotencyKey,
        requestHash(dto),
      );
      if (stored) return { body: stored, replayed: true };
    }
    // A send refused (or cut off) after its claim frees its key for the client's retry.
    const releasing = async (error: unknown): Promise<never> => {
      if (idempotencyKey)
        await this.idempotency.release(caller.apiKeyId, [idempotencyKey], claimedAt + ABANDONED_AFTER_MS);
      throw error;
    };
    const lookups = this.planner.directLookups();
    const digested = await this.digests.joinIfDigest(dto, caller.apiKeyId, idempotencyKey, lookups).catch(releasing);
    if (digested) return { body: digested, replayed: false };
    const plan = await this.planner
      .plan(dto, caller.apiKeyId, idempotencyKey, lookups)
      .then(async (planned) => {
        const createdAt = new Date();
        const answer = acceptedAnswer(planned, createdAt);
        await this.stores.submit({
          plan: planned,
          createdAt,
          answer: idempotencyKey ? { apiKeyId: caller.apiKeyId, key: idempotencyKey, body: answer } : undefined,
        });
        return { planned, answer };
      })
      .catch(releasing);
    const jobs = deliveryJobs([plan.planned]);
    if (jobs.length) await this.enqueues.submit(jobs);
    this.metrics?.recordAccepted(caller.transport ?? 'http', plan.answer.deliveries);
    // A line per delivery, so each one's log starts here (a request's lines also carry its reqId).
    for (const { id, channel, status } of plan.answer.deliveries) {
      this.logger.log({ notificationId: plan.answer.id, deliveryId: id, channel, status }, 'delivery accepted');
    }
    return { body: plan.answer, replayed: false };
  }

  /**
   * A group's rows in one statement. Should it fail, each row is stored on its own, so a row PostgreSQL refuses
   * refuses only its own send (an outage fails each of them, as it would have anyway).
   */
  private async store(rows: NotificationInsert[]): Promise<ItemResult<void>[]> {
    try {
      await this.notifications.insertAll(rows);
      return rows.map(() => ({ ok: true, value: undefined }));
    } catch (error) {
      if (rows.length === 1) return [{ ok: false, error }];
    }
    return Promise.all(
      rows.map((row) =>
        this.notifications.insertAll([row]).then(
          (): ItemResult<void> => ({ ok: true, value: undefined }),
          (error: unknown): ItemResult<void> => ({ ok: false, error }),
        ),
      ),
    );
  }
}
