import { Injectable, Logger, Optional } from '@nestjs/common';
import { createValidationPipe, DeliveryQueue, MetricsService, Problem, toProblem, ValidationError } from '@herald/core';
import { DigestService } from '../digest/digest.service';
import type { DigestedSend } from '../digest/digest.types';
import { SendNotificationDto } from '../dto/send-notification.dto';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from '../notifications.errors';
import { NotificationInsert, NotificationRepository } from '../notification.repository';
import type { AcceptedNotification, PlannedNotification } from '../notification.types';
import { acceptedAnswer, deliveryJobs } from './accepted';
import { ABANDONED_AFTER_MS } from '../idempotency/idempotency-claim';
import { NotificationAcceptService, requestHash, SendCaller } from './notification-accept.service';
import { AcceptLookups, NotificationPlanner } from './notification-planner';

export type BatchItemResult = AcceptedNotification | DigestedSend | { error: Problem };

/** The answer of a batch: one item per notification, in the order given. */
export interface BatchAnswer {
  items: BatchItemResult[];
}

interface Item {
  index: number;
  dto: SendNotificationDto;
}

/**
 * A batch of sends, over REST or the transport. Each item is judged exactly as
 * a single send (same validation pipe, same planner, same idempotency rules), so
 * valid items are accepted even when others are refused, and each refusal is
 * the problem document a single send would have answered. The work is shared:
 * the idempotency keys are claimed in one statement, each kind of read is one
 * query for the batch, and every accepted item is stored in one statement and
 * enqueued with one `addBulk` per channel after it (chunk jobs).
 */
@Injectable()
export class NotificationBatchService {
  private readonly logger = new Logger(NotificationBatchService.name);
  // The very pipe that validates REST bodies, so an item is judged exactly as a single send is.
  private readonly validation = createValidationPipe();

  constructor(
    private readonly single: NotificationAcceptService,
    private readonly planner: NotificationPlanner,
    private readonly notifications: NotificationRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly queue: DeliveryQueue,
    private readonly digests: DigestService,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async acceptAll(items: unknown[], caller: SendCaller): Promise<BatchAnswer> {
    const results = new Array<BatchItemResult>(items.length);
    const refuse = (index: number, error: unknown) =>
      (results[index] = { error: toProblem(error, this.logger).problem });
    const valid: Item[] = [];
    await Promise.all(
      items.map(async (item, index) => {
        try {
          valid.push({ index, dto: await this.validate(item) });
        } catch (error) {
          refuse(index, error);
        }
      }),
    );
    valid.sort((a, b) => a.index - b.index);

    // A key's first item goes with the batch; a repeat runs after it as a single send, so it replays
    // the first one's answer (or claims the key afresh when the first was refused).
    const first = new Map<string, Item>();
    const later: Item[] = [];
    const fresh: Item[] = [];
    for (const item of valid) {
      const key = item.dto.idempotencyKey;
      if (key === undefined) fresh.push(item);
      else if (first.has(key)) later.push(item);
      else first.set(key, item);
    }
    let claimedAt = Date.now();
    if (first.size) {
      const hashes = new Map([...first].map(([key, item]) => [key, requestHash(item.dto)]));
      claimedAt = Date.now();
      const { claimed, held } = await this.idempotency.claimMany(
        caller.apiKeyId,
        [...hashes].map(([key, hash]) => ({ key, requestHash: hash })),
        ABANDONED_AFTER_MS,
      );
      for (const [key, item] of first) {
        const record = held.get(key);
        if (claimed.has(key)) fresh.push(item);
        else if (!record)
          later.push(item); // freed between the two statements: claimed again on its own
        else if (record.requestHash !== hashes.get(key)) refuse(item.index, new IdempotencyKeyReusedError());
        else if (record.responseStatus === null) refuse(item.index, new IdempotencyKeyInFlightError());
        else results[item.index] = record.responseBody as AcceptedNotification | DigestedSend;
      }
      later.sort((a, b) => a.index - b.index);
    }

    const released: string[] = [];
    const lookups = this.planner.batchLookups();
    const undigested = await this.joinDigests(fresh, caller, lookups, results, released);
    const planned: { index: number; plan: PlannedNotification }[] = [];
    await Promise.all(
      undigested.map(async ({ index, dto }) => {
        try {
          planned.push({ index, plan: await this.planner.plan(dto, caller.apiKeyId, dto.idempotencyKey, lookups) });
        } catch (error) {
          refuse(index, error);
          if (dto.idempotencyKey) released.push(dto.idempotencyKey);
        }
      }),
    );
    planned.sort((a, b) => a.index - b.index);

    const stored = await this.store(planned, caller, results, released);
    await this.idempotency.release(caller.apiKeyId, released, claimedAt + ABANDONED_AFTER_MS);
    await this.queue.enqueueAfterCommit(deliveryJobs(stored));
    for (const plan of stored) this.metrics?.recordAccepted(caller.transport ?? 'http', plan.deliveries);

    for (const { index, dto } of later) {
      try {
        results[index] = (await this.single.accept(dto, caller)).body;
      } catch (error) {
        refuse(index, error);
      }
    }
    return { items: results };
  }

  /**
   * The items of digest templates join their digests one after the other, in the batch's order (a digest's
   * events keep the order they were sent in); answers the other items, to be planned as notifications.
   */
  private async joinDigests(
    items: Item[],
    caller: SendCaller,
    lookups: AcceptLookups,
    results: BatchItemResult[],
    released: string[],
  ): Promise<Item[]> {
    const templates = await Promise.all(
      items.map(({ dto }) =>
        dto.template ? lookups.template(dto.template).catch(() => undefined) : Promise.resolve(undefined),
      ),
    );
    const rest: Item[] = [];
    for (const [i, item] of items.entries()) {
      if (!templates[i]?.definition.digest) {
        rest.push(item);
        continue;
      }
      try {
        const joined = await this.digests.joinIfDigest(item.dto, caller.apiKeyId, item.dto.idempotencyKey, lookups);
        if (joined) results[item.index] = joined;
        else rest.push(item);
      } catch (error) {
        results[item.index] = { error: toProblem(error, this.logger).problem };
        if (item.dto.idempotencyKey) released.push(item.dto.idempotencyKey);
      }
    }
    return rest;
  }

  /**
   * All planned items in one statement. Should it fail, each is stored on its
   * own, as a single send would be, so one bad row refuses only its own item.
   */
  private async store(
    planned: { index: number; plan: PlannedNotification }[],
    caller: SendCaller,
    results: BatchItemResult[],
    released: string[],
  ): Promise<PlannedNotification[]> {
    if (!planned.length) return [];
    const createdAt = new Date();
    const answers = planned.map(({ plan }) => acceptedAnswer(plan, createdAt));
    const rows: NotificationInsert[] = planned.map(({ plan }, i) => ({
      plan,
      createdAt,
      answer: plan.idempotencyKey
        ? { apiKeyId: caller.apiKeyId, key: plan.idempotencyKey, body: answers[i] }
        : undefined,
    }));
    try {
      await this.notifications.insertAll(rows);
      planned.forEach(({ index }, i) => (results[index] = answers[i]));
      return planned.map(({ plan }) => plan);
    } catch (error) {
      this.logger.warn(`storing a batch in one statement failed, storing item by item: ${(error as Error).message}`);
    }
    const stored: PlannedNotification[] = [];
    for (const [i, { index, plan }] of planned.entries()) {
      try {
        await this.notifications.insertAll([rows[i]]);
        results[index] = answers[i];
        stored.push(plan);
      } catch (error) {
        results[index] = { error: toProblem(error, this.logger).problem };
        if (plan.idempotencyKey) released.push(plan.idempotencyKey);
      }
    }
    return stored;
  }

  private async validate(item: unknown): Promise<SendNotificationDto> {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new ValidationError([{ path: '', message: 'must be an object' }]);
    }
    return (await this.validation.transform(item, {
      type: 'body',
      metatype: SendNotificationDto,
    })) as SendNotificationDto;
  }
}
