import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';

/**
 * SendGrid's signed Event Webhook as a test plays it: a real P-256 key pair, whose public half Herald is given
 * as SENDGRID_WEBHOOK_PUBLIC_KEY (base64 DER, as SendGrid's settings page shows it).
 */
export class SendgridWebhook {
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  private readonly forger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;

  get publicKey(): string {
    return this.keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }

  /** POSTs `events` to Herald's `/v1/providers/sendgrid/events`, signed (with another key when `forge`). */
  post(baseUrl: string, events: unknown, options: { forge?: boolean } = {}): Promise<Response> {
    const body = `${JSON.stringify(events)}\r\n`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    return fetch(`${baseUrl}/v1/providers/sendgrid/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers(body, timestamp, options.forge) },
      body,
    });
  }

  /** The signature headers of `body` at `timestamp`. */
  headers(body: string, timestamp: string, forge = false): Record<string, string> {
    const key: KeyObject = forge ? this.forger : this.keys.privateKey;
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), key);
    return {
      'x-twilio-email-event-webhook-signature': signature.toString('base64'),
      'x-twilio-email-event-webhook-timestamp': timestamp,
    };
  }
}

/** A SendGrid event about the message with this Message-ID (SendGrid echoes it as `smtp-id`). */
export function sendgridEvent(event: string, email: string, messageId: string, fields: Record<string, unknown> = {}) {
  return {
    email,
    timestamp: Math.floor(Date.now() / 1000),
    'smtp-id': messageId,
    event,
    sg_event_id: `evt-${Math.random().toString(36).slice(2)}`,
    sg_message_id: `sg-${Math.random().toString(36).slice(2)}`,
    ...fields,
  };
}
