import { quietHoursEnd, type QuietHours } from '@herald/recipients';
import type { TemplateStep } from '@herald/templates';
import type { PlannedDelivery } from '../notification.types';

export interface TimingInput {
  now: Date;
  /** The send's `sendAt` (or `sendAtLocal`, resolved), when given. */
  sendAt?: Date;
  /** The template's escalation steps. */
  steps?: TemplateStep[];
  /** The recipient's quiet hours and the zone they are read in; critical templates pass none. */
  quietHours?: QuietHours;
  zone: string;
}

/**
 * When each planned delivery is due, and so whether it waits: the send's time (now, or `sendAt`), plus its step's
 * delay, moved to the end of the recipient's quiet hours when it falls inside them. A delivery due later than now
 * is `scheduled` for then (`dueAt`) and says which rule held it (`reason`: `step_delay`, `quiet_hours`); one due
 * now is `queued`. A step with `unless: "read"` keeps it, for the worker to check when the delivery is due.
 * Skipped deliveries stay as they are.
 */
export function timeDeliveries(deliveries: PlannedDelivery[], input: TimingInput): PlannedDelivery[] {
  const base = Math.max(input.now.getTime(), input.sendAt?.getTime() ?? 0);
  return deliveries.map((delivery): PlannedDelivery => {
    if (delivery.status === 'skipped') return delivery;
    const step = input.steps?.find((candidate) => candidate.channel === delivery.channel);
    const delayed = (step?.delay ?? 0) > 0;
    let due = new Date(base + (step?.delay ?? 0) * 1000);
    const quietEnd = input.quietHours ? quietHoursEnd(due, input.quietHours, input.zone) : undefined;
    if (quietEnd) due = quietEnd;
    const unless = step?.unless ? { unless: step.unless } : {};
    if (due.getTime() <= input.now.getTime()) return { ...delivery, status: 'queued', ...unless };
    const reason = quietEnd ? 'quiet_hours' : delayed ? 'step_delay' : undefined;
    return { ...delivery, status: 'scheduled', dueAt: due, ...(reason ? { reason } : {}), ...unless };
  });
}

/**
 * The notification's status and `sendAt` once its deliveries are timed: `completed` when all are skipped,
 * `accepted` when one goes now, else `scheduled` for the first that is due.
 */
export function timedStatus(deliveries: PlannedDelivery[]): {
  status: 'accepted' | 'scheduled' | 'completed';
  sendAt?: Date;
} {
  const waiting = deliveries.filter((delivery) => delivery.status !== 'skipped');
  if (!waiting.length) return { status: 'completed' };
  if (waiting.some((delivery) => delivery.status === 'queued')) return { status: 'accepted' };
  const first = Math.min(...waiting.map((delivery) => delivery.dueAt?.getTime() ?? Number.POSITIVE_INFINITY));
  return { status: 'scheduled', sendAt: new Date(first) };
}
