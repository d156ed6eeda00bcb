import type { HeraldConfig } from '@herald/core';
import type { SmsContent } from '@herald/templates';
import type { DeliveryContext, DriverResult } from '../channel-driver';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { httpFailure, postForm } from '../http/provider-response';
import type { SmsProvider } from './sms-provider';

/**
 * Vonage's per-message statuses worth another try, or another provider: 1 throttled, 5 internal error, 9 out of
 * credit ("top up and retry"), 10 too many connections. Every other non-zero status (missing or invalid
 * parameters, bad credentials, barred number or account, message too long, invalid sender, ...) is permanent.
 * https://developer.vonage.com/en/api-errors/sms
 */
const TRANSIENT_STATUSES = new Set(['1', '5', '9', '10']);

interface VonageMessage {
  status?: unknown;
  'message-id'?: unknown;
  'error-text'?: unknown;
}

/** Vonage wants numbers in E.164 without the leading +; an alphanumeric sender id is passed as it is. */
function vonageNumber(value: string): string {
  return value.replace(/^\+(?=\d+$)/, '');
}

/**
 * Sends SMS through Vonage's SMS API (`POST {VONAGE_BASE_URL}/sms/json`). Vonage answers 200 for most failures
 * too: the outcome is each message part's `status` ("0" is accepted).
 */
export class VonageSmsDriver implements SmsProvider {
  readonly name = 'vonage';
  /** Vonage answers in well under a second; a hung connection must not hold a worker slot for long. */
  protected readonly timeoutMs: number = 15_000;

  constructor(private readonly config: HeraldConfig) {}

  async send(context: DeliveryContext): Promise<DriverResult> {
    const vonage = this.config.vonage;
    if (!vonage) throw new PermanentDeliveryError('Vonage is not configured');
    const phone = context.address.phone;
    if (!phone) throw new PermanentDeliveryError('no phone number on the delivery');
    const { text } = context.content as SmsContent;

    const form = new URLSearchParams({
      api_key: vonage.apiKey,
      api_secret: vonage.apiSecret,
      from: vonageNumber(vonage.from),
      to: vonageNumber(phone),
      text,
    });
    // Without it Vonage sends GSM-7 and mangles anything outside it; unicode costs more segments, so only when needed.
    if (/[^\x20-\x7e\n\r]/.test(text)) form.set('type', 'unicode');

    const { response, body } = await postForm(this.smsUrl(vonage.baseUrl), form, {}, this.timeoutMs);
    const failure = httpFailure(response.status, response.headers.get('retry-after'), body.trim());
    if (failure) throw failure;
    return { status: 'sent', providerMessageId: this.accepted(body) };
  }

  /** The base URL may carry a path prefix (a proxy); the API path is appended to it. */
  private smsUrl(baseUrl: string): URL {
    return new URL('sms/json', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  /**
   * The id of the first part when every part was accepted. A long text goes out in several parts: when one part
   * failed the whole text is tried again (or elsewhere), so the parts that went out arrive twice, which beats a
   * message with a missing part.
   */
  private accepted(body: string): string | undefined {
    let messages: VonageMessage[] | undefined;
    try {
      const parsed = JSON.parse(body) as { messages?: unknown };
      if (Array.isArray(parsed.messages) && parsed.messages.length) messages = parsed.messages as VonageMessage[];
    } catch {
      // Handled below: without the statuses nobody knows whether it went out.
    }
    // 200 without the statuses: a proxy answered, or Vonage half did. Tried again: a duplicate beats a loss.
    if (!messages) throw new TransientDeliveryError(`Vonage answered without message statuses: ${body.slice(0, 200)}`);
    const refused = messages.find((message) => String(message.status) !== '0');
    if (refused) {
      const status = String(refused.status);
      const detail = typeof refused['error-text'] === 'string' ? refused['error-text'] : 'no error text';
      const message = `Vonage status ${status}: ${detail}`;
      throw TRANSIENT_STATUSES.has(status) ? new TransientDeliveryError(message) : new PermanentDeliveryError(message);
    }
    const id = messages[0]['message-id'];
    return typeof id === 'string' ? id : undefined;
  }
}
