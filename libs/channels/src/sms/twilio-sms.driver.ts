import type { HeraldConfig } from '@herald/core';
import type { SmsContent } from '@herald/templates';
import type { DeliveryContext, DriverResult } from '../channel-driver';
import { PermanentDeliveryError } from '../channels.errors';
import { httpFailure, postForm } from '../http/provider-response';
import type { SmsProvider } from './sms-provider';

/** A Twilio Messaging Service SID: given as the sender, it goes out as MessagingServiceSid instead of From. */
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

/** Twilio's error body: `{ code, message, more_info, status }`; anything else is shown as it came. */
export function twilioErrorDetail(body: string): string {
  try {
    const error = JSON.parse(body) as { code?: number; message?: string };
    if (error && typeof error.message === 'string') {
      return error.code === undefined ? error.message : `${error.message} (Twilio error ${error.code})`;
    }
  } catch {
    // Not JSON: a proxy or load balancer answered; its text is the best reason we have.
  }
  return body.trim();
}

/** Sends SMS through Twilio's Messages resource (`POST /2010-04-01/Accounts/{sid}/Messages.json`). */
export class TwilioSmsDriver implements SmsProvider {
  readonly name = 'twilio';
  /** Twilio answers in well under a second; a hung connection must not hold a worker slot for long. */
  protected readonly timeoutMs: number = 15_000;

  constructor(private readonly config: HeraldConfig) {}

  async send(context: DeliveryContext): Promise<DriverResult> {
    const twilio = this.config.twilio;
    if (!twilio) throw new PermanentDeliveryError('Twilio is not configured');
    const phone = context.address.phone;
    if (!phone) throw new PermanentDeliveryError('no phone number on the delivery');
    const content = context.content as SmsContent;

    const form = new URLSearchParams({ To: phone, Body: content.text });
    form.set(MESSAGING_SERVICE_SID.test(twilio.from) ? 'MessagingServiceSid' : 'From', twilio.from);
    // Where Twilio reports the message's fate (delivered, undelivered, failed): the route lives in apps/api.
    form.set('StatusCallback', `${this.config.http.publicUrl}/v1/providers/twilio/status`);
    const credentials = Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64');

    // Refused, reset or timed out is transient. Twilio may have accepted the message before the connection broke;
    // its Messages API has no idempotency key, so a retry can duplicate, which beats losing it.
    const { response, body } = await postForm(
      this.messagesUrl(twilio.baseUrl, twilio.accountSid),
      form,
      { authorization: `Basic ${credentials}` },
      this.timeoutMs,
    );

    const failure = httpFailure(response.status, response.headers.get('retry-after'), twilioErrorDetail(body));
    if (failure) throw failure;
    return { status: 'sent', providerMessageId: this.messageSid(body) };
  }

  /** The base URL may carry a path prefix (a proxy); the API path is appended to it, not substituted. */
  private messagesUrl(baseUrl: string, accountSid: string): URL {
    const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    return new URL(`2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`, base);
  }

  private messageSid(body: string): string | undefined {
    try {
      const sid = (JSON.parse(body) as { sid?: unknown }).sid;
      return typeof sid === 'string' ? sid : undefined;
    } catch {
      // Accepted (2xx) but unreadable: the message is out; only its id is unknown.
      return undefined;
    }
  }
}
