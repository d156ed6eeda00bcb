import { Injectable } from '@nestjs/common';
import { MailerService } from '@nestjs-modules/mailer';
import { HeraldConfig } from '@herald/core';
import type { EmailContent } from '@herald/templates';
import { ChannelDriver, DeliveryContext, DriverResult } from '../channel-driver';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { listUnsubscribeHeaders } from './list-unsubscribe';

interface SmtpError {
  message: string;
  code?: string;
  responseCode?: number;
}

/** SMTP 5xx replies are final; 4xx replies and connection failures are worth another try. */
export function classifySmtpError(error: SmtpError): Error {
  if (error.responseCode && error.responseCode >= 500) return new PermanentDeliveryError(error.message);
  if (error.code === 'EENVELOPE' && !error.responseCode) return new PermanentDeliveryError(error.message);
  return new TransientDeliveryError(error.message);
}

function domainOf(from: string): string {
  return /@([^>\s]+)/.exec(from)?.[1] ?? 'localhost';
}

@Injectable()
export class EmailDriver implements ChannelDriver {
  readonly channel = 'email' as const;

  constructor(
    private readonly mailer: MailerService,
    private readonly config: HeraldConfig,
  ) {}

  async send(context: DeliveryContext): Promise<DriverResult> {
    if (!this.config.email.smtpUrl) return { status: 'sent', captured: true };
    const content = context.content as EmailContent;
    // The same Message-ID on every attempt lets receivers drop a duplicate after a retried timeout.
    const messageId = `<${context.deliveryId}@${domainOf(this.config.email.from)}>`;
    try {
      const info = await this.mailer.sendMail({
        from: this.config.email.from,
        to: context.address.email,
        subject: content.subject,
        html: content.html,
        text: content.text,
        messageId,
        headers: { 'X-Herald-Delivery': context.deliveryId, ...listUnsubscribeHeaders(content.unsubscribe) },
      });
      return { status: 'sent', providerMessageId: (info as { messageId?: string }).messageId ?? messageId };
    } catch (error) {
      throw classifySmtpError(error as SmtpError);
    }
  }
}
