import { Injectable } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { ChannelDriver, DeliveryContext, DriverResult } from '../channel-driver';
import { CircuitBreakers } from '../failover/circuit-breakers';
import { ProviderChain } from '../failover/provider-chain';
import type { SmsProvider } from './sms-provider';
import { TwilioSmsDriver } from './twilio-sms.driver';
import { VonageSmsDriver } from './vonage-sms.driver';

/** SMS through the providers configured, Twilio first, then Vonage; with none, messages are captured. */
@Injectable()
export class SmsDriver implements ChannelDriver {
  readonly channel = 'sms' as const;
  private readonly providers?: ProviderChain<SmsProvider>;

  constructor(config: HeraldConfig, breakers: CircuitBreakers) {
    const providers: SmsProvider[] = [];
    if (config.twilio) providers.push(new TwilioSmsDriver(config));
    if (config.vonage) providers.push(new VonageSmsDriver(config));
    if (providers.length) this.providers = breakers.chain('sms', providers);
  }

  async send(context: DeliveryContext): Promise<DriverResult> {
    if (!this.providers) return { status: 'sent', captured: true };
    const sent = await this.providers.send((provider) => provider.send(context));
    return { ...sent.result, provider: sent.provider };
  }
}
