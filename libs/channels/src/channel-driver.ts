import type { Channel, DeliveryAddress, Priority } from '@herald/core';

/** Everything a driver needs, read from the delivery row the worker claimed. */
export interface DeliveryContext<TContent = unknown> {
  deliveryId: string;
  notificationId: string;
  channel: Channel;
  attempt: number;
  address: DeliveryAddress;
  content: TContent;
  priority: Priority;
}

export interface DriverResult {
  /** `sent`: the provider accepted it; `delivered`: the receiver confirmed it. */
  status: 'sent' | 'delivered';
  providerMessageId?: string;
  /** True when no provider is configured and the content was only recorded. */
  captured?: boolean;
  /** The provider that took it, for channels with named providers (`smtp:host:port`, `twilio`, `vonage`). */
  provider?: string;
}

/**
 * A channel's way out: one provider, or an ordered chain of them (failover/).
 * Throw PermanentDeliveryError or TransientDeliveryError (naming the provider
 * when there is one); anything else counts as transient.
 */
export interface ChannelDriver {
  readonly channel: Channel;
  send(context: DeliveryContext): Promise<DriverResult>;
}

/** Multi-provider token: every driver registers under it, the registry picks one per channel. */
export const CHANNEL_DRIVERS = Symbol('CHANNEL_DRIVERS');
