import type { DeliveryContext, DriverResult } from '../channel-driver';
import type { NamedProvider } from '../failover/provider-chain';

/** One SMS provider (Twilio, Vonage): sends the delivery's rendered text to its phone number. */
export interface SmsProvider extends NamedProvider {
  send(context: DeliveryContext): Promise<DriverResult>;
}
