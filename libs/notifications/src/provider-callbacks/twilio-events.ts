import type { ProviderOutcome } from '../deliver/provider-status.repository';

/** Twilio's error for a message to a number that replied STOP: the number is suppressed too. */
export const TWILIO_UNSUBSCRIBED_RECIPIENT = '21610';

/**
 * A status callback's `MessageStatus` as a delivery outcome: `delivered` is confirmed, `undelivered` and
 * `failed` failed (with Twilio's `ErrorCode`); the others (`queued`, `sending`, `sent`, ...) are steps Herald's
 * `sent` already covers, and change nothing.
 */
export function twilioStatusOutcome(status: string | undefined, errorCode: string | undefined): ProviderOutcome | null {
  if (status === 'delivered') return { status: 'delivered' };
  if (status === 'undelivered' || status === 'failed') {
    return {
      status: 'failed',
      error: `Twilio reported the message ${status}${errorCode ? ` (Twilio error ${errorCode})` : ''}`,
    };
  }
  return null;
}

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN = new Set(['START', 'UNSTOP']);

/**
 * What an incoming message asks: Twilio's standard opt-out and opt-in keywords, the whole body being the
 * keyword (any case, surrounding spaces ignored), as Twilio itself reads them. Anything else is a reply.
 */
export function twilioKeyword(body: string | undefined): 'stop' | 'start' | null {
  const word = (body ?? '').trim().toUpperCase();
  if (OPT_OUT.has(word)) return 'stop';
  if (OPT_IN.has(word)) return 'start';
  return null;
}
