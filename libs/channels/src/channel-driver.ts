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
}

/**
 * One provider behind one channel. Throw PermanentDeliveryError or
 * TransientDeliveryError; anything else counts as transient.
 */
export interface ChannelDriver {
  readonly channel: Channel;
  send(context: DeliveryContext): Promise<DriverResult>;
}

/** Multi-provider token: every driver registers under it, the registry picks one per channel. */
export const CHANNEL_DRIVERS = Symbol('CHANNEL_DRIVERS');
