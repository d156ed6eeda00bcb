import type { ProviderOutcome } from '../deliver/provider-status.repository';
import type { SuppressionReason } from '../suppression/suppression.types';

/** What one SendGrid event means for Herald. */
export interface SendgridEffect {
  /** The Herald delivery it is about (from `smtp-id`, the Message-ID Herald gave it), when it names one. */
  deliveryId?: string;
  outcome?: ProviderOutcome;
  suppression?: { address: string; reason: SuppressionReason; detail?: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Herald's Message-ID is `<deliveryId@domain>` (email.driver.ts); SendGrid echoes it as `smtp-id`. */
function deliveryIdOf(smtpId: unknown): string | undefined {
  if (typeof smtpId !== 'string') return undefined;
  const local = /^\s*<?([^@<>\s]+)@/.exec(smtpId)?.[1];
  return local && UUID.test(local) ? local.toLowerCase() : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 1000) : undefined;
}

/**
 * One event of SendGrid's Event Webhook (a JSON array of them) as its effect. `delivered` confirms; a `bounce`
 * fails the delivery and, unless SendGrid calls it `blocked` (a soft, temporary refusal), suppresses the
 * address as a hard bounce; `dropped` (SendGrid never sent it) fails it, and suppresses when it was dropped
 * for an address that bounced or reported spam before; `spamreport` suppresses as a complaint. Other events
 * (processed, deferred, open, click, ...) and anything that is not an event change nothing.
 */
export function sendgridEffect(event: unknown): SendgridEffect {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return {};
  const fields = event as Record<string, unknown>;
  const deliveryId = deliveryIdOf(fields['smtp-id']);
  const email = textOf(fields.email);
  const reason = textOf(fields.reason);
  const failed = (what: string): ProviderOutcome => ({
    status: 'failed',
    error: `SendGrid reported the message ${what}${reason ? `: ${reason}` : ''}`,
  });
  switch (fields.event) {
    case 'delivered':
      return { deliveryId, outcome: { status: 'delivered' } };
    case 'bounce': {
      if (fields.type === 'blocked') return { deliveryId, outcome: failed('blocked') };
      const suppression = email ? { address: email, reason: 'hard_bounce' as const, detail: reason } : undefined;
      return { deliveryId, outcome: failed('bounced'), suppression };
    }
    case 'dropped': {
      const because: SuppressionReason | undefined = /bounced address/i.test(reason ?? '')
        ? 'hard_bounce'
        : /spam reporting address/i.test(reason ?? '')
          ? 'complaint'
          : undefined;
      const suppression = email && because ? { address: email, reason: because, detail: reason } : undefined;
      return { deliveryId, outcome: failed('dropped'), suppression };
    }
    case 'spamreport':
      return { deliveryId, suppression: email ? { address: email, reason: 'complaint' } : undefined };
    default:
      return {};
  }
}
