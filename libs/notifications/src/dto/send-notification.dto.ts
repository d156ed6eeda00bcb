import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, Channel, IsBoundedJsonObject, PRIORITIES, Priority } from '@herald/core';
import { IsE164Phone, IsEmailAddress, IsHttpUrl, PushSubscriptionDto, RECIPIENT_ID } from '@herald/recipients';
import { ChannelContentDto } from '@herald/templates';
import { TOPIC_KEY } from '../topics/topic.dto';

export class NotificationRecipientDto {
  @IsOptional()
  @IsString()
  @Matches(RECIPIENT_ID, { message: 'recipientId must be 1-255 letters, digits or ._:@|-' })
  recipientId?: string;
  @IsOptional() @IsEmailAddress() email?: string;
  @IsOptional() @IsE164Phone() phone?: string;
  @IsOptional() @IsHttpUrl() webhookUrl?: string;
  /** Browsers and devices for this notification only, instead of the recipient's stored subscriptions. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PushSubscriptionDto)
  pushSubscriptions?: PushSubscriptionDto[];
  /** A topic's key: the send goes to each of its subscribers (API.md §9), alone in `to`, with a template. */
  @IsOptional()
  @IsString()
  @Matches(TOPIC_KEY, { message: 'topic must be a topic key' })
  topic?: string;
}

/** Body of `POST /v1/notifications`, and of each `notifications.send` message. */
export class SendNotificationDto {
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'template must be a template key' })
  template?: string;

  @IsOptional() @ValidateNested() @Type(() => ChannelContentDto) content?: ChannelContentDto;

  @IsObject() @ValidateNested() @Type(() => NotificationRecipientDto) to!: NotificationRecipientDto;

  /** At most 32 levels and 64 KiB as JSON (INPUT_LIMITS). */
  @IsOptional() @IsBoundedJsonObject() data?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CHANNELS.length)
  @ArrayUnique()
  @IsIn(CHANNELS, { each: true })
  channels?: Channel[];

  @IsOptional() @IsISO8601({ strict: true }) sendAt?: string;

  /**
   * `sendAt` as a local time of the recipient (their `timezone`, UTC when none); not with `sendAt`. A time the
   * clocks skip (a DST gap) moves forward by the gap.
   * @example "2026-12-02T09:00"
   */
  @IsOptional() @IsString() @MaxLength(19) sendAtLocal?: string;

  @IsOptional() @IsIn(PRIORITIES) priority?: Priority;

  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/) locale?: string;

  @IsOptional() @IsString() @MaxLength(255) idempotencyKey?: string;
}
