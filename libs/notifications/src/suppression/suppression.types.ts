/** Why an address is suppressed: the mailbox does not exist, its owner reported spam, or the phone sent STOP. */
export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'sms_stop'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** The channels whose addresses can be suppressed. */
export type SuppressedChannel = 'email' | 'sms';

/** Who reported it: the provider whose callback did. */
export type SuppressionSource = 'sendgrid' | 'twilio';

/** A suppression as the API shows it. */
export interface SuppressionView {
  id: string;
  channel: SuppressedChannel;
  /** An email lower-cased, or a phone number in E.164. */
  address: string;
  reason: SuppressionReason;
  source: string;
  /** The delivery whose bounce, complaint or STOP caused it, when the provider's event named one. */
  deliveryId: string | null;
  /** The provider's words (a bounce's SMTP reply, say). */
  detail: string | null;
  createdAt: Date;
}

/** A suppression to record. */
export interface NewSuppression {
  channel: SuppressedChannel;
  address: string;
  reason: SuppressionReason;
  source: SuppressionSource;
  deliveryId?: string;
  detail?: string;
}

/** `GET /v1/admin/suppressions`: newest first, by id (UUIDv7). */
export interface SuppressionFilter {
  address?: string;
  reason?: SuppressionReason;
  limit: number;
  cursor?: string;
}

/**
 * The address as suppressions store it: emails compare without case (mailbox providers treat the local part so,
 * and bounce events often change its case); phones are already E.164 (validated at accept, sent so by Twilio).
 */
export function suppressedAddress(address: string): { channel: SuppressedChannel; address: string } {
  const trimmed = address.trim();
  return trimmed.includes('@')
    ? { channel: 'email', address: trimmed.toLowerCase() }
    : { channel: 'sms', address: trimmed };
}

/**
 * Whether a suppression stops a delivery: a hard bounce stops every template (the mailbox does not exist), a
 * complaint or a STOP only non-critical ones (a password reset still goes to whoever asked for it).
 */
export function suppressionApplies(reason: SuppressionReason, critical: boolean): boolean {
  return reason === 'hard_bounce' || !critical;
}
