import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsIntegerText } from '@herald/core';
import { RECIPIENT_ID } from '@herald/recipients';

/** A topic's key: the syntax of a template key (1-128 letters, digits or `._-`, starting with a letter or digit). */
export const TOPIC_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TOPIC_KEY_MESSAGE = 'must be 1-128 letters, digits or ._- starting with a letter or digit';

/** The most recipient ids one `PUT /v1/topics/{key}/subscribers` adds (API.md §9). */
export const MAX_SUBSCRIBERS_PER_CALL = 1000;

export class TopicKeyParam {
  @IsString() @MaxLength(128) @Matches(TOPIC_KEY, { message: `key ${TOPIC_KEY_MESSAGE}` }) key!: string;
}

export class TopicSubscriberParam extends TopicKeyParam {
  @IsString()
  @MaxLength(255)
  @Matches(RECIPIENT_ID, { message: 'recipientId must be 1-255 letters, digits or ._:@|-' })
  recipientId!: string;
}

/** Body of `PUT /v1/topics/{key}`: creates the topic or renames it. */
export class PutTopicDto {
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
}

/** Body of `PUT /v1/topics/{key}/subscribers`: stored recipients to add (repeats and current subscribers are no-ops). */
export class AddTopicSubscribersDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SUBSCRIBERS_PER_CALL)
  @IsString({ each: true })
  @Matches(RECIPIENT_ID, { each: true, message: 'each recipientId must be 1-255 letters, digits or ._:@|-' })
  recipientIds!: string[];
}

/** `GET /v1/topics/{key}/subscribers?limit&cursor`: by recipient id; `cursor` is the `nextCursor` of the page before. */
export class TopicSubscribersQuery {
  /** 1 to 1000, default 100. */
  @IsOptional() @IsIntegerText(1, 1000) limit?: number;

  /** The `nextCursor` of the previous page (the last recipient id it listed). */
  @IsOptional()
  @IsString()
  @Matches(RECIPIENT_ID, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

/** `GET /v1/topics?limit&cursor`: by key; `cursor` is the `nextCursor` of the page before. */
export class TopicsQuery {
  /** 1 to 1000, default 100. */
  @IsOptional() @IsIntegerText(1, 1000) limit?: number;

  /** The `nextCursor` of the previous page (the last key it listed). */
  @IsOptional()
  @IsString()
  @Matches(TOPIC_KEY, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}
