import { type Channel, type DeliveryAddress, type PushSubscriptionData, uuidv7 } from '@herald/core';
import { normalizePreferences, optedOut } from '@herald/recipients';
import { NotificationRejectedError } from '../notifications.errors';
import type { PlannedDelivery } from '../notification.types';

/**
 * The rules of accepting a notification that need no I/O: which channels it
 * goes out on, to which address, and which deliveries are skipped and why.
 * NotificationAcceptService does the reads (recipient, template, stored push
 * subscriptions) and the rendering, and asks these functions the rest.
 */

/** The addresses given with the request (`to`), push subscriptions already as data. */
export interface InlineAddress {
  recipientId?: string;
  email?: string;
  phone?: string;
  webhookUrl?: string;
  pushSubscriptions?: PushSubscriptionData[];
}

/** What planning reads of a stored recipient. */
export interface StoredRecipientFields {
  email: string | null;
  phone: string | null;
  webhookUrl: string | null;
  /** The stored `preferences` column, normalised here. */
  preferences: unknown;
}

/**
 * The channels to send on: those asked for, else every channel the content has.
 * A channel asked for without content is the sender's mistake (422), named by its index.
 */
export function chooseChannels(
  requested: Channel[] | undefined,
  available: Channel[],
  /** Names the content in the error: `template "key"` or `content`. */
  source: string,
): Channel[] {
  const channels = requested ?? available;
  const missing = channels
    .map((channel, index) => ({ channel, index }))
    .filter(({ channel }) => !available.includes(channel));
  if (missing.length) {
    throw new NotificationRejectedError(
      missing.map(({ channel, index }) => ({
        path: requested ? `channels[${index}]` : 'content',
        message: `${source} has no ${channel} content`,
      })),
    );
  }
  return channels;
}

/** An address given with the request wins over the stored one, field by field; push subscriptions are inline only. */
export function resolveAddress(to: InlineAddress, stored: StoredRecipientFields | null): DeliveryAddress {
  return {
    recipientId: to.recipientId,
    email: to.email ?? stored?.email ?? undefined,
    phone: to.phone ?? stored?.phone ?? undefined,
    webhookUrl: to.webhookUrl ?? stored?.webhookUrl ?? undefined,
    pushSubscriptions: to.pushSubscriptions,
  };
}

export interface DeliveryPlanInput {
  to: InlineAddress;
  /** The stored recipient `to.recipientId` names, when there is one. */
  recipient: StoredRecipientFields | null;
  channels: Channel[];
  /** The rendered content per channel. */
  rendered: Partial<Record<Channel, unknown>>;
  /** Of the template, when the notification uses one; inline content has no category and is never critical. */
  template?: { critical?: boolean; category?: string };
  /** The recipient has push subscriptions stored (looked up only when push is asked for without inline ones). */
  hasStoredPush: boolean;
  /** `sendAt` is in the future. */
  scheduled: boolean;
}

/**
 * One delivery per channel, in the order of `channels`: skipped `no_address`
 * when the channel has no address, skipped `opted_out` when the recipient's
 * preferences refuse it (unless the template is critical), else queued (or
 * scheduled) with the address its channel uses and its rendered content.
 */
export function planDeliveries(input: DeliveryPlanInput, newId: () => string = uuidv7): PlannedDelivery[] {
  const address = resolveAddress(input.to, input.recipient);
  // Only a stored recipient has preferences. Inline content has no category: only channel opt-outs apply to it.
  const preferences = normalizePreferences(input.recipient?.preferences);
  const critical = input.template?.critical === true;
  const category = input.template?.category;
  return input.channels.map((channel): PlannedDelivery => {
    if (!hasAddress(channel, address, input.hasStoredPush))
      return { id: newId(), channel, status: 'skipped', reason: 'no_address' };
    if (!critical && optedOut(preferences, channel, category))
      return { id: newId(), channel, status: 'skipped', reason: 'opted_out' };
    return {
      id: newId(),
      channel,
      status: input.scheduled ? 'scheduled' : 'queued',
      address: pickAddress(channel, address),
      content: input.rendered[channel],
    };
  });
}

/** `hasStoredPush`: the recipient has push subscriptions stored (only looked up when push is asked for). */
function hasAddress(channel: Channel, address: DeliveryAddress, hasStoredPush: boolean): boolean {
  switch (channel) {
    case 'email':
      return !!address.email;
    case 'sms':
      return !!address.phone;
    case 'webhook':
      return !!address.webhookUrl;
    case 'in_app':
      return !!address.recipientId;
    case 'push':
      return !!address.pushSubscriptions?.length || hasStoredPush;
  }
}

/** A delivery keeps only the address its channel uses. */
function pickAddress(channel: Channel, address: DeliveryAddress): DeliveryAddress {
  switch (channel) {
    case 'email':
      return { email: address.email };
    case 'sms':
      return { phone: address.phone };
    case 'webhook':
      return { webhookUrl: address.webhookUrl };
    case 'push':
      // Inline subscriptions travel with the delivery; stored ones are read by the driver at send time.
      return { recipientId: address.recipientId, pushSubscriptions: address.pushSubscriptions };
    default:
      return { recipientId: address.recipientId };
  }
}
