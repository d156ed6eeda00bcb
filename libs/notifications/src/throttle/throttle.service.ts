import { Injectable } from '@nestjs/common';
import { ResolvedTemplate, throttleKey } from '@herald/templates';
import { GroupRunner, ItemResult } from '../accept/group-runner';
import type { PlannedDelivery } from '../notification.types';
import { ThrottleHit, ThrottleRepository } from './throttle.repository';

/**
 * Throttles (API.md §9), decided at accept time: a send of a throttled template to a recipient takes one of the
 * `limit` places of its window (per template, recipient and rendered key) when any of its deliveries would go
 * out; beyond the limit, those deliveries are planned `skipped` with reason `throttled`, and the 202 says so.
 * Critical templates and sends without a recipient id are never throttled. Accept time, not delivery time, so a
 * send is counted once whatever its channels and retries, and its answer and history say the outcome at once.
 */
@Injectable()
export class ThrottleService {
  /** Concurrent sends share statements: each group's distinct scopes are decided by one upsert. */
  private readonly admissions = new GroupRunner<ThrottleHit, boolean>((hits) => this.admitGroup(hits));

  constructor(private readonly repository: ThrottleRepository) {}

  async apply(
    template: ResolvedTemplate | undefined,
    recipientId: string | undefined,
    data: Record<string, unknown>,
    deliveries: PlannedDelivery[],
  ): Promise<PlannedDelivery[]> {
    const rule = template?.definition.throttle;
    if (!template || !rule || template.definition.critical || recipientId === undefined) return deliveries;
    if (deliveries.every((delivery) => delivery.status === 'skipped')) return deliveries;
    const admitted = await this.admissions.submit({
      scope: JSON.stringify([template.key, recipientId, throttleKey(rule, data)]),
      limit: rule.limit,
      windowSeconds: rule.window,
    });
    if (admitted) return deliveries;
    return deliveries.map((delivery) =>
      delivery.status === 'skipped'
        ? delivery
        : { id: delivery.id, channel: delivery.channel, status: 'skipped', reason: 'throttled' },
    );
  }

  /** Drops the counts whose window has passed. */
  prune(): Promise<number> {
    return this.repository.prune();
  }

  /** Rounds of distinct scopes, in order: a scope asked for twice in one group is decided twice, one after the other. */
  private async admitGroup(hits: ThrottleHit[]): Promise<ItemResult<boolean>[]> {
    const results = new Array<ItemResult<boolean>>(hits.length);
    let pending = hits.map((hit, index) => ({ hit, index }));
    while (pending.length) {
      const round = new Map<string, { hit: ThrottleHit; index: number }>();
      const later: typeof pending = [];
      for (const item of pending) {
        if (round.has(item.hit.scope)) later.push(item);
        else round.set(item.hit.scope, item);
      }
      const admitted = await this.repository.admit([...round.values()].map((item) => item.hit));
      for (const { hit, index } of round.values()) results[index] = { ok: true, value: admitted.has(hit.scope) };
      pending = later;
    }
    return results;
  }
}
