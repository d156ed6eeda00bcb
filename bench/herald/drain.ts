import { waitForProgress } from '../support/wait';
import { HeraldStack } from './herald-stack';

/** Waits until every one of `ids` has reached the receiver; a stall of a minute is a lost webhook, an error. */
export async function waitDelivered(stack: HeraldStack, ids: string[], what: string): Promise<void> {
  await waitForProgress(
    `${what}: ${ids.length} webhooks`,
    () => stack.receiver.received(ids),
    (n) => n === ids.length,
    // Counting a large set is not free: poll it less often.
    { check: stack.check, intervalMs: ids.length > 10_000 ? 1000 : 50 },
  );
}

/** Waits until the receiver holds at least `count` distinct webhooks (load whose delivery ids the bench never saw). */
export async function waitReceived(stack: HeraldStack, count: number, what: string): Promise<void> {
  await waitForProgress(
    `${what}: ${count} webhooks`,
    () => stack.receiver.count,
    (n) => n >= count,
    {
      check: stack.check,
    },
  );
}

/**
 * The stack's own account must match the receiver's: no webhook delivery left queued or sending, none failed,
 * and as many delivered as the receiver counted distinct ids.
 */
export async function assertAllDelivered(stack: HeraldStack): Promise<void> {
  let statuses: Record<string, number> = {};
  await waitForProgress(
    'deliveries settling',
    async () => {
      statuses = await stack.webhookStatuses();
      return (statuses.delivered ?? 0) + (statuses.failed ?? 0);
    },
    () => pending(statuses) === 0 && (statuses.delivered ?? 0) >= stack.receiver.count,
    { check: stack.check, intervalMs: 500 },
  );
  if ((statuses.failed ?? 0) > 0) throw new Error(`${statuses.failed} webhook deliveries failed`);
  if (statuses.delivered !== stack.receiver.count) {
    throw new Error(`Herald counts ${statuses.delivered} delivered, the receiver ${stack.receiver.count}`);
  }
}

function pending(statuses: Record<string, number>): number {
  return ['pending', 'scheduled', 'queued', 'sending'].reduce((sum, status) => sum + (statuses[status] ?? 0), 0);
}
