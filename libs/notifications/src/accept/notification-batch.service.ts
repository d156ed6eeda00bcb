import { Injectable, Logger } from '@nestjs/common';
import { createValidationPipe, Problem, toProblem, ValidationError } from '@herald/core';
import { SendNotificationDto } from '../dto/send-notification.dto';
import type { AcceptedNotification } from '../notification.types';
import { NotificationAcceptService, SendCaller } from './notification-accept.service';

export type BatchItemResult = AcceptedNotification | { error: Problem };

/** The answer of a batch: one item per notification, in the order given. */
export interface BatchAnswer {
  items: BatchItemResult[];
}

/**
 * Items accepted at once. Each holds a pooled connection for its transaction
 * (the pool has 20), so a batch of 1000 takes about a second without starving
 * the requests beside it.
 */
const CONCURRENCY = 8;

function idempotencyKeyOf(item: unknown): string | undefined {
  const key =
    typeof item === 'object' && item !== null ? (item as { idempotencyKey?: unknown }).idempotencyKey : undefined;
  return typeof key === 'string' ? key : undefined;
}

/**
 * A batch of sends, over REST or the transport: each item is validated and
 * accepted on its own through NotificationAcceptService, so valid items are
 * accepted even when others are refused, and each refusal is the problem
 * document a single send would have answered (paths relative to the item).
 */
@Injectable()
export class NotificationBatchService {
  private readonly logger = new Logger(NotificationBatchService.name);
  // The very pipe that validates REST bodies, so an item is judged exactly as a single send is.
  private readonly validation = createValidationPipe();

  constructor(private readonly accept: NotificationAcceptService) {}

  async acceptAll(items: unknown[], caller: SendCaller): Promise<BatchAnswer> {
    const results = new Array<BatchItemResult>(items.length);
    // Items sharing an idempotency key run one after the other, so a repeat replays the first answer
    // instead of finding it in flight (409).
    const lastWithKey = new Map<string, Promise<unknown>>();
    let next = 0;
    const work = async () => {
      while (next < items.length) {
        const index = next++;
        const key = idempotencyKeyOf(items[index]);
        const previous = key === undefined ? undefined : lastWithKey.get(key);
        const run = (async () => {
          await previous;
          results[index] = await this.acceptOne(items[index], caller);
        })();
        if (key !== undefined) lastWithKey.set(key, run);
        await run;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, work));
    return { items: results };
  }

  private async acceptOne(item: unknown, caller: SendCaller): Promise<BatchItemResult> {
    try {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new ValidationError([{ path: '', message: 'must be an object' }]);
      }
      const dto = (await this.validation.transform(item, {
        type: 'body',
        metatype: SendNotificationDto,
      })) as SendNotificationDto;
      return (await this.accept.accept(dto, caller)).body;
    } catch (error) {
      // Unknown errors are logged here once and answered as a 500 item; the other items stand.
      return { error: toProblem(error, this.logger).problem };
    }
  }
}
