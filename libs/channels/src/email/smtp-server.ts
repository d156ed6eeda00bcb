import type { ISendMailOptions, MailerService } from '@nestjs-modules/mailer';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import type { NamedProvider } from '../failover/provider-chain';

interface SmtpError {
  message: string;
  code?: string;
  responseCode?: number;
}

/** SMTP 5xx replies are final; 4xx replies and connection failures are worth another try (or another server). */
export function classifySmtpError(error: SmtpError): Error {
  if (error.responseCode && error.responseCode >= 500) return new PermanentDeliveryError(error.message);
  if (error.code === 'EENVELOPE' && !error.responseCode) return new PermanentDeliveryError(error.message);
  return new TransientDeliveryError(error.message);
}

/** One SMTP server of the email channel: the mailer's pooled transport of that name. */
export class SmtpServer implements NamedProvider {
  constructor(
    readonly name: string,
    private readonly mailer: MailerService,
  ) {}

  /** Answers the Message-ID the server took the message under. */
  async send(message: ISendMailOptions): Promise<string | undefined> {
    try {
      const info = (await this.mailer.sendMail({ ...message, transporterName: this.name })) as { messageId?: string };
      return info.messageId;
    } catch (error) {
      throw classifySmtpError(error as SmtpError);
    }
  }
}
