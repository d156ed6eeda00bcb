import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { CHANNELS, PUSH_SUBSCRIPTION_TYPES, PushSubscriptionType } from '@herald/core';
import type { InboxMessageView, InboxPage, RecipientPreferences, RecipientView } from '@herald/recipients';

/** The response schemas of the recipient routes; each implements the lib's type the route answers with. */

const DATE_TIME = { type: String, format: 'date-time' } as const;
const NULLABLE_STRING = { type: String, nullable: true } as const;

@ApiSchema({ name: 'Recipient' })
export class RecipientViewDto implements RecipientView {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty(NULLABLE_STRING) email: string | null;
  @ApiProperty(NULLABLE_STRING) phone: string | null;
  @ApiProperty(NULLABLE_STRING) locale: string | null;
  @ApiProperty(NULLABLE_STRING) timezone: string | null;
  @ApiProperty(NULLABLE_STRING) webhookUrl: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty(DATE_TIME) createdAt: string;
  @ApiProperty(DATE_TIME) updatedAt: string;
}

const CHANNEL_SWITCHES: Record<string, unknown> = {
  type: 'object',
  properties: Object.fromEntries(CHANNELS.map((channel) => [channel, { type: 'boolean' }])),
  additionalProperties: false,
};

/** What a recipient opted out of: `false` opts out, `true` or nothing means send. */
@ApiSchema({ name: 'RecipientPreferences' })
export class RecipientPreferencesDto implements RecipientPreferences {
  @ApiProperty(CHANNEL_SWITCHES) channels: RecipientPreferences['channels'];

  /** Per category: off as a whole (`false`), or per channel. */
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'boolean' }, CHANNEL_SWITCHES] } })
  categories: RecipientPreferences['categories'];

  /** Local `HH:MM` times, in the recipient's timezone, when non-critical deliveries wait; absent when none. */
  @ApiPropertyOptional({
    type: 'object',
    properties: { start: { type: 'string', example: '22:00' }, end: { type: 'string', example: '08:00' } },
    required: ['start', 'end'],
  })
  quietHours?: RecipientPreferences['quietHours'];
}

@ApiSchema({ name: 'PushSubscriptionKeys' })
export class PushSubscriptionKeysViewDto {
  @ApiProperty({ type: String }) p256dh: string;
  @ApiProperty({ type: String }) auth: string;
}

/** A stored push subscription: `endpoint` and `keys` for webpush, `token` for fcm. */
@ApiSchema({ name: 'PushSubscription' })
export class PushSubscriptionViewDto {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ type: String }) recipientId: string;
  @ApiProperty({ enum: PUSH_SUBSCRIPTION_TYPES }) type: PushSubscriptionType;
  @ApiPropertyOptional({ type: String }) endpoint?: string;
  @ApiPropertyOptional({ type: PushSubscriptionKeysViewDto }) keys?: PushSubscriptionKeysViewDto;
  @ApiPropertyOptional({ type: String }) token?: string;
  @ApiProperty(DATE_TIME) createdAt: string;
}

@ApiSchema({ name: 'InboxMessage' })
export class InboxMessageViewDto implements InboxMessageView {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ type: String }) recipientId: string;
  @ApiProperty(NULLABLE_STRING) notificationId: string | null;
  @ApiProperty(NULLABLE_STRING) title: string | null;
  @ApiProperty({ type: String }) body: string;
  @ApiProperty(NULLABLE_STRING) url: string | null;
  @ApiProperty({ type: Boolean }) read: boolean;
  @ApiProperty({ ...DATE_TIME, nullable: true }) readAt: string | null;
  @ApiProperty(DATE_TIME) createdAt: string;
}

/** A page of the inbox, with the unread count of the whole inbox. */
@ApiSchema({ name: 'InboxPage' })
export class InboxPageDto implements InboxPage {
  @ApiProperty({ type: [InboxMessageViewDto] }) items: InboxMessageViewDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last one' })
  nextCursor: string | null;
  /** Unread messages in the whole inbox, whatever the page or filter. */
  @ApiProperty({ type: Number }) unreadCount: number;
}

@ApiSchema({ name: 'InboxReadAll' })
export class InboxReadAllDto {
  /** Messages marked read by this call. */
  @ApiProperty({ type: Number }) updated: number;
}
