import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsIntegerText } from '@herald/core';
import { RecipientIdParam } from './recipient.dto';

/** `GET /v1/recipients/{id}/inbox` query. */
export class InboxListQuery {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;

  @IsOptional() @IsIntegerText(1, 200) limit?: number;

  @IsOptional() @IsUUID('all', { message: 'cursor must be the nextCursor of a previous page' }) cursor?: string;
}

/** `GET /v1/recipients/{id}/inbox/stream` query: EventSource cannot send headers, so the token may come here. */
export class InboxStreamQuery {
  @IsOptional() @IsString() @MaxLength(256) token?: string;
}

export class InboxMessageParam extends RecipientIdParam {
  @IsString() @MaxLength(64) messageId!: string;
}
