import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { CHANNELS, Channel, IsIntegerText } from '@herald/core';
import {
  DELIVERY_STATUSES,
  DeliveryHistoryFilter,
  DeliveryStatus,
  HistoryPageFilter,
  NOTIFICATION_STATUSES,
  NotificationHistoryFilter,
  NotificationStatus,
} from '@herald/notifications';
import { RECIPIENT_ID } from '@herald/recipients';

const DEFAULT_LIMIT = 50;

/** A date, or a date-time with its zone: a time without one would be read in the server's zone. */
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}(T[^Zz+-]+([Zz]|[+-]\d{2}(:?\d{2})?))?$/;

/** `?limit&cursor&since&until`, common to the history lists (API.md §2). */
export class HistoryPageQuery {
  /** 1 to 200, default 50. */
  @IsOptional() @IsIntegerText(1, 200) limit?: number;

  /** The `nextCursor` of the previous page. */
  @IsOptional() @IsUUID('all', { message: 'cursor must be the nextCursor of a previous page' }) cursor?: string;

  /** Created at or after this time (ISO 8601; the time carried by the UUIDv7 id, when Herald accepted it). */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date or date-time' })
  @Matches(ZONED_TIME, { message: 'since must give its zone (e.g. 2026-01-01T00:00:00Z)' })
  since?: string;

  /** Created before this time (ISO 8601, exclusive). */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date or date-time' })
  @Matches(ZONED_TIME, { message: 'until must give its zone (e.g. 2026-01-01T00:00:00Z)' })
  until?: string;
}

function pageFilter(query: HistoryPageQuery): HistoryPageFilter {
  return {
    limit: query.limit ?? DEFAULT_LIMIT,
    cursor: query.cursor,
    since: query.since ? new Date(query.since) : undefined,
    until: query.until ? new Date(query.until) : undefined,
  };
}

/** `GET /v1/admin/notifications` query. */
export class NotificationHistoryQuery extends HistoryPageQuery {
  @IsOptional()
  @IsString()
  @Matches(RECIPIENT_ID, { message: 'recipientId must be 1-255 letters, digits or ._:@|-' })
  recipientId?: string;

  /** A template key. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: 'template must be a template key' })
  template?: string;

  @IsOptional() @IsIn(NOTIFICATION_STATUSES) status?: NotificationStatus;

  /** Notifications with a delivery on this channel. */
  @IsOptional() @IsIn(CHANNELS) channel?: Channel;

  toFilter(): NotificationHistoryFilter {
    const { recipientId, template, status, channel } = this;
    return { ...pageFilter(this), recipientId, template, status, channel };
  }
}

/** `GET /v1/admin/deliveries` query. */
export class DeliveryHistoryQuery extends HistoryPageQuery {
  @IsOptional() @IsIn(DELIVERY_STATUSES) status?: DeliveryStatus;

  @IsOptional() @IsIn(CHANNELS) channel?: Channel;

  toFilter(): DeliveryHistoryFilter {
    const { status, channel } = this;
    return { ...pageFilter(this), status, channel };
  }
}
