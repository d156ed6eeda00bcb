import { Injectable, Logger } from '@nestjs/common';
import { ProviderStatusRepository } from '../deliver/provider-status.repository';
import { SuppressionRepository } from '../suppression/suppression.repository';
import { sendgridEffect } from './sendgrid-events';
import { TWILIO_UNSUBSCRIBED_RECIPIENT, twilioKeyword, twilioStatusOutcome } from './twilio-events';

/** A provider's form or event fields, once its signature is verified. */
export type CallbackFields = Record<string, string | undefined>;

/**
 * What providers report after sending, applied once their signature is verified (the API's guards do that):
 * delivery statuses moved forward, addresses suppressed or lifted. Unknown messages are ignored: a provider
 * account may serve other senders too, and a retried callback must not fail.
 */
@Injectable()
export class ProviderCallbacksService {
  private readonly logger = new Logger(ProviderCallbacksService.name);

  constructor(
    private readonly statuses: ProviderStatusRepository,
    private readonly suppressions: SuppressionRepository,
  ) {}

  /** Twilio's message status callback (`MessageSid`, `MessageStatus`, `ErrorCode`, `To`). */
  async twilioStatus(fields: CallbackFields): Promise<void> {
    const sid = fields.MessageSid ?? fields.SmsSid;
    const outcome = twilioStatusOutcome(fields.MessageStatus, fields.ErrorCode);
    if (!sid || !outcome) return;
    const result = await this.statuses.record({ channel: 'sms', providerMessageId: sid }, outcome);
    if (!result.found) return this.logger.log(`Twilio status for unknown message ${sid}: ignored`);
    // Twilio refused the number because it replied STOP (to Twilio's own keyword handling, perhaps before Herald
    // had an inbound webhook): the number is suppressed as if Herald had seen the STOP.
    if (fields.ErrorCode === TWILIO_UNSUBSCRIBED_RECIPIENT && fields.To) {
      await this.suppressions.add({
        channel: 'sms',
        address: fields.To,
        reason: 'sms_stop',
        source: 'twilio',
        deliveryId: result.deliveryId,
        detail: `Twilio error ${TWILIO_UNSUBSCRIBED_RECIPIENT}: the recipient unsubscribed`,
      });
    }
  }

  /** Twilio's incoming-message webhook: STOP and its synonyms suppress `From`; START lifts it. */
  async twilioInbound(fields: CallbackFields): Promise<void> {
    const keyword = twilioKeyword(fields.Body);
    const phone = fields.From;
    if (!keyword || !phone) return;
    if (keyword === 'start') {
      await this.suppressions.liftSmsStop(phone);
      return;
    }
    await this.suppressions.add({
      channel: 'sms',
      address: phone,
      reason: 'sms_stop',
      source: 'twilio',
      detail: `replied ${fields.Body!.trim().toUpperCase()}`,
    });
  }

  /** A batch of SendGrid events, each applied on its own (a batch may mix messages and kinds). */
  async sendgridEvents(events: unknown[]): Promise<void> {
    for (const event of events) {
      const effect = sendgridEffect(event);
      const result =
        effect.deliveryId && effect.outcome
          ? await this.statuses.record({ channel: 'email', deliveryId: effect.deliveryId }, effect.outcome)
          : undefined;
      if (effect.suppression) {
        await this.suppressions.add({
          channel: 'email',
          ...effect.suppression,
          source: 'sendgrid',
          // Only a delivery of Herald's: the event may be about a message another sender sent.
          deliveryId: result?.found ? result.deliveryId : undefined,
        });
      }
    }
  }
}
