import { Injectable } from '@nestjs/common';
import { ResolvedTemplate, throttleKey } from '@herald/templates';
import type { EntityManager } from 'typeorm';
import { GroupRunner, ItemResult } from '../accept/group-runner';
import type { PlannedDelivery, PlannedNotification } from '../notification.types';
import { timedStatus } from '../steps/delivery-timing';
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
  private readonly admissions = new GroupRunner<ThrottleHit, boolean>((hits) =>
    this.rounds(hits, (round) => this.repository.admit(round)),
  );

  constructor(private readonly repository: ThrottleRepository) {}

  /** The place a send takes, if its template throttles it and any of its deliveries would go out. */
  hit(
    template: ResolvedTemplate | undefined,
    recipientId: string | undefined,
    data: Record<string, unknown>,
    deliveries: PlannedDelivery[],
  ): ThrottleHit | undefined {
    const rule = template?.definition.throttle;
    if (!template || !rule || template.definition.critical || recipientId === undefined) return undefined;
    if (deliveries.every((delivery) => delivery.status === 'skipped')) return undefined;
    return {
      scope: JSON.stringify([template.key, recipientId, throttleKey(rule, data)]),
      limit: rule.limit,
      windowSeconds: rule.window,
    };
  }

  /** Takes the place on its own statement, committed at once (grouped with concurrent sends'). */
  admit(hit: ThrottleHit): Promise<boolean> {
    return this.admissions.submit(hit);
  }

  /**
   * Takes the places in the caller's transaction (a broadcast's page): they count only if it commits, so a page
   * that rolls back and runs again counts each of its subscribers once. Answers, per hit, whether it was admitted.
   */
  async admitIn(manager: EntityManager, hits: ThrottleHit[]): Promise<boolean[]> {
    const results = await this.rounds(hits, (round) => this.repository.admit(round, manager));
    return results.map((result) => result.ok && result.value);
  }

  /** Drops the counts whose window has passed. */
  prune(): Promise<number> {
    return this.repository.prune();
  }

  /** Rounds of distinct scopes, in order: a scope asked for twice in one group is decided twice, one after the other. */
  private async rounds(
    hits: ThrottleHit[],
    admit: (round: ThrottleHit[]) => Promise<Set<string>>,
  ): Promise<ItemResult<boolean>[]> {
    const results = new Array<ItemResult<boolean>>(hits.length);
    let pending = hits.map((hit, index) => ({ hit, index }));
    while (pending.length) {
      const round = new Map<string, { hit: ThrottleHit; index: number }>();
      const later: typeof pending = [];
      for (const item of pending) {
        if (round.has(item.hit.scope)) later.push(item);
        else round.set(item.hit.scope, item);
      }
      const admitted = await admit([...round.values()].map((item) => item.hit));
      for (const { hit, index } of round.values()) results[index] = { ok: true, value: admitted.has(hit.scope) };
      pending = later;
    }
    return results;
  }
}

/** A notification refused its throttle place: every delivery that would have gone out is skipped `throttled`. */
export function throttledPlan(plan: PlannedNotification): PlannedNotification {
  const deliveries = plan.deliveries.map((delivery): PlannedDelivery =>
    delivery.status === 'skipped'
      ? delivery
      : { id: delivery.id, channel: delivery.channel, status: 'skipped', reason: 'throttled' },
  );
  const timed = timedStatus(deliveries);
  return { ...plan, deliveries, status: timed.status, sendAt: timed.sendAt };
}
