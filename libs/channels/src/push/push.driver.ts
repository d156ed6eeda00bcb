import { Injectable, Logger } from '@nestjs/common';
import type { PushSubscriptionData } from '@herald/core';
import { PushSubscriptionService } from '@herald/recipients';
import type { PushContent } from '@herald/templates';
import { ChannelDriver, DeliveryContext, DriverResult } from '../channel-driver';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { FcmSender } from './fcm.sender';
import { describeTarget, PushMessage, PushOutcome } from './push-message';
import { WebPushSender } from './web-push.sender';

/**
 * One delivery is every browser and device of the recipient. It counts as
 * `sent` once one push service accepted it: the others have no retry of their
 * own, because retrying the delivery would push twice to those that accepted.
 */
export function combineOutcomes(outcomes: PushOutcome[]): DriverResult {
  const accepted = outcomes.find((outcome) => outcome.kind === 'accepted');
  if (accepted) return { status: 'sent', providerMessageId: accepted.messageId };
  const failures = outcomes.filter((outcome) => outcome.kind === 'failed');
  const summary = (list: PushOutcome[]) =>
    list
      .map(
        (outcome) =>
          `${describeTarget(outcome.target)}: ${outcome.kind === 'failed' ? outcome.error.message : outcome.kind === 'gone' ? `gone (${outcome.reason})` : outcome.kind}`,
      )
      .join('; ');
  // Nothing got through yet, so a retry duplicates nothing; capture has no side effect to repeat.
  const transient = failures.filter((outcome) => outcome.error instanceof TransientDeliveryError);
  if (transient.length) {
    const retryAfter = Math.max(
      0,
      ...transient.map((outcome) => (outcome.error as TransientDeliveryError).retryAfterMs ?? 0),
    );
    throw new TransientDeliveryError(`no push service accepted it: ${summary(outcomes)}`, retryAfter || undefined);
  }
  if (outcomes.some((outcome) => outcome.kind === 'captured')) return { status: 'sent', captured: true };
  if (outcomes.every((outcome) => outcome.kind === 'gone')) {
    throw new PermanentDeliveryError(`every push subscription is gone and was removed: ${summary(outcomes)}`);
  }
  throw new PermanentDeliveryError(`every push service refused it: ${summary(outcomes)}`);
}

@Injectable()
export class PushDriver implements ChannelDriver {
  readonly channel = 'push' as const;
  private readonly logger = new Logger(PushDriver.name);

  constructor(
    private readonly subscriptions: PushSubscriptionService,
    private readonly webPush: WebPushSender,
    private readonly fcm: FcmSender,
  ) {}

  async send(context: DeliveryContext): Promise<DriverResult> {
    const targets = await this.targets(context);
    if (!targets.length) throw new PermanentDeliveryError('the recipient has no push subscription (left)');
    const message: PushMessage = {
      deliveryId: context.deliveryId,
      notificationId: context.notificationId,
      content: context.content as PushContent,
      priority: context.priority,
    };
    return combineOutcomes(await Promise.all(targets.map((target) => this.sendOne(target, message))));
  }

  /** Inline subscriptions replace the stored ones; stored ones are read now, so one removed since accept time is skipped. */
  private async targets(context: DeliveryContext): Promise<PushSubscriptionData[]> {
    const { pushSubscriptions, recipientId } = context.address;
    if (pushSubscriptions?.length) return pushSubscriptions;
    return recipientId ? this.subscriptions.targetsFor(recipientId) : [];
  }

  private async sendOne(target: PushSubscriptionData, message: PushMessage): Promise<PushOutcome> {
    const outcome =
      target.type === 'webpush' ? await this.webPush.send(target, message) : await this.fcm.send(target, message);
    if (outcome.kind === 'gone') {
      const removed = await this.subscriptions.forget(target);
      this.logger.log(
        `${describeTarget(target)} is gone (${outcome.reason}); removed ${removed} stored subscription(s)`,
      );
    }
    return outcome;
  }
}
