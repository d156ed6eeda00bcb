// Why a delivery is where it is, in plain words: its `reason` (API.md §3 and §9) read with what the console could
// learn about the rule that set it (the template version's throttle and steps, the recipient's quiet hours and zone).
// Pure, so one spec covers every wording.
import type { DeliverySummary, QuietHours, TemplateRules } from './types';

/** What the page could read around the delivery; each part is optional (the key may lack the scope to read it). */
export interface ReasonContext {
  /** The rules of the template version the notification was rendered with. */
  rules?: TemplateRules;
  /** The recipient's IANA zone, in which quiet hours are read; null when the recipient has none (UTC). */
  timezone?: string | null;
  quietHours?: QuietHours;
}

type Explained = Pick<DeliverySummary, 'channel' | 'status' | 'reason' | 'nextAttemptAt'>;

const UNITS: [number, string][] = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** 3600 → "1 hour", 90 → "90 seconds": the largest unit the seconds are a whole number of. */
export function duration(seconds: number): string {
  const [size, unit] = UNITS.find(([candidate]) => seconds % candidate === 0) ?? [1, 'second'];
  const count = seconds / size;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** "08:00" of an instant in a zone (UTC when the recipient has none); the browser's own when the zone is unknown. */
export function clockTime(at: string, timezone: string | null | undefined): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timezone === undefined ? {} : { timeZone: timezone ?? 'UTC' }),
  }).format(new Date(at));
}

function throttled({ rules }: ReasonContext): string {
  const rule = rules?.throttle;
  if (!rule) return "the template's send limit per window was reached";
  const per = rule.key ? ' for this recipient and key' : ' for this recipient';
  return `the template's limit of ${rule.limit} per ${duration(rule.window)}${per} was reached`;
}

function quietHours(delivery: Explained, { timezone, quietHours: hours }: ReasonContext): string {
  const zone = timezone === undefined ? '' : ` in ${timezone ?? 'UTC'}`;
  const window = hours ? ` (${hours.start}–${hours.end})` : '';
  if (delivery.status === 'scheduled' && delivery.nextAttemptAt) {
    // Without the recipient's zone the end is told in the browser's, and said so.
    const until = `${clockTime(delivery.nextAttemptAt, timezone)}${zone || " (this browser's time)"}`;
    return `held until ${until}, the end of the recipient's quiet hours${window}`;
  }
  return `held by the recipient's quiet hours${window}${zone}, and released at their end`;
}

function stepDelay(delivery: Explained, { rules }: ReasonContext): string {
  const step = rules?.steps?.find((candidate) => candidate.channel === delivery.channel);
  const after = step?.delay ? `${duration(step.delay)} after the send` : "after its step's delay";
  const unless = step?.unless === 'read' ? ', unless the in-app message is read by then' : '';
  if (delivery.status === 'scheduled') return `an escalation step that goes ${after}${unless}`;
  return `an escalation step, sent ${after}`;
}

/** The words after "status — reason: " (the reason's code reads first); null when the delivery has no reason. */
export function explainReason(delivery: Explained, context: ReasonContext = {}): string | null {
  switch (delivery.reason) {
    case null:
      return null;
    case 'throttled':
      return throttled(context);
    case 'quiet_hours':
      return quietHours(delivery, context);
    case 'step_delay':
      return stepDelay(delivery, context);
    case 'already_read':
      return 'the in-app message was read before this step was due, so it was not sent';
    case 'opted_out':
      return "the recipient's preferences opt out of this channel or the template's category";
    case 'no_address':
      return 'no address for this channel';
    case 'suppressed':
      return 'the address is suppressed (a bounce, a complaint or a STOP)';
    case 'recipient_deleted':
      return 'the recipient was erased before it went';
    default:
      return delivery.reason;
  }
}
