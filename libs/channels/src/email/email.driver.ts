import { Injectable } from '@nestjs/common';
import { MailerService } from '@nestjs-modules/mailer';
import { HeraldConfig } from '@herald/core';
import type { EmailContent } from '@herald/templates';
import { ChannelDriver, DeliveryContext, DriverResult } from '../channel-driver';
import { CircuitBreakers } from '../failover/circuit-breakers';
import { ProviderChain } from '../failover/provider-chain';
import { listUnsubscribeHeaders } from './list-unsubscribe';
import { SmtpServer } from './smtp-server';
import { smtpServerName, smtpUrls } from './smtp-transport';

function domainOf(from: string): string {
  return /@([^>\s]+)/.exec(from)?.[1] ?? 'localhost';
}

/** Email over SMTP: SMTP_URL, then each of SMTP_FALLBACK_URLS when the ones before fail transiently. */
@Injectable()
export class EmailDriver implements ChannelDriver {
  readonly channel = 'email' as const;
  /** None without SMTP_URL: email is captured. */
  private readonly servers?: ProviderChain<SmtpServer>;

  constructor(
    mailer: MailerService,
    private readonly config: HeraldConfig,
    breakers: CircuitBreakers,
  ) {
    const urls = smtpUrls(config);
    if (urls.length) {
      this.servers = breakers.chain(
        'email',
        urls.map((url) => new SmtpServer(smtpServerName(url), mailer)),
      );
    }
  }

  async send(context: DeliveryContext): Promise<DriverResult> {
    if (!this.servers) return { status: 'sent', captured: true };
    const content = context.content as EmailContent;
    // The same Message-ID on every attempt (and every server) lets receivers drop a duplicate after a retried timeout.
    const messageId = `<${context.deliveryId}@${domainOf(this.config.email.from)}>`;
    const sent = await this.servers.send((server) =>
      server.send({
        from: this.config.email.from,
        to: context.address.email,
        subject: content.subject,
        html: content.html,
        text: content.text,
        messageId,
        headers: { 'X-Herald-Delivery': context.deliveryId, ...listUnsubscribeHeaders(content.unsubscribe) },
      }),
    );
    return { status: 'sent', providerMessageId: sent.result ?? messageId, provider: sent.provider };
  }
}
