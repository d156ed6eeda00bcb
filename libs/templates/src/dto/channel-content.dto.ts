import { Type } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsBoundedJsonObject } from '@herald/core';

/** Bounds of template sources (docs/decisions.md, "Input limits"); the request body's 1 MiB bounds them all. */
export const CONTENT_LIMITS = {
  /** RFC 5322's line limit; the subject is a header, so it is also one line. */
  subject: 998,
  /** Gmail clips messages past about 100 KB: larger bodies are mistakes. */
  emailBody: 128 * 1024,
  sms: 1600,
  title: 256,
  /** Web Push payloads are at most 4 KiB once encrypted. */
  pushBody: 4096,
  inAppBody: 16 * 1024,
  url: 2048,
} as const;

/** A CR or LF in a header would start another header (header injection). */
export const ONE_LINE = /^[^\r\n]*$/;

export class EmailContentDto {
  @IsString()
  @MinLength(1)
  @MaxLength(CONTENT_LIMITS.subject)
  @Matches(ONE_LINE, { message: '$property must be one line: it becomes the Subject header' })
  subject!: string;
  @IsOptional() @IsString() @MaxLength(CONTENT_LIMITS.emailBody) html?: string;
  @IsOptional() @IsString() @MaxLength(CONTENT_LIMITS.emailBody) text?: string;
}

export class SmsContentDto {
  @IsString() @MinLength(1) @MaxLength(CONTENT_LIMITS.sms) text!: string;
}

export class PushContentDto {
  @IsString() @MinLength(1) @MaxLength(CONTENT_LIMITS.title) title!: string;
  @IsString() @MaxLength(CONTENT_LIMITS.pushBody) body!: string;
  @IsOptional() @IsString() @MaxLength(CONTENT_LIMITS.url) url?: string;
  @IsOptional() @IsString() @MaxLength(CONTENT_LIMITS.url) icon?: string;
}

export class InAppContentDto {
  @IsOptional() @IsString() @MaxLength(CONTENT_LIMITS.title) title?: string;
  @IsString() @MinLength(1) @MaxLength(CONTENT_LIMITS.inAppBody) body!: string;
  @IsOptional() @IsString() @MaxLength(CONTENT_LIMITS.url) url?: string;
}

export class WebhookContentDto {
  @IsBoundedJsonObject() payload!: Record<string, unknown>;
}

/** Per-channel content: a template's `channels`, or a notification's inline `content`. */
export class ChannelContentDto {
  @IsOptional() @ValidateNested() @Type(() => EmailContentDto) email?: EmailContentDto;
  @IsOptional() @ValidateNested() @Type(() => SmsContentDto) sms?: SmsContentDto;
  @IsOptional() @ValidateNested() @Type(() => PushContentDto) push?: PushContentDto;
  @IsOptional() @ValidateNested() @Type(() => InAppContentDto) in_app?: InAppContentDto;
  @IsOptional() @ValidateNested() @Type(() => WebhookContentDto) webhook?: WebhookContentDto;
}
