import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';

export class EmailContentDto {
  @IsString() @MinLength(1) @MaxLength(998) subject!: string;
  @IsOptional() @IsString() html?: string;
  @IsOptional() @IsString() text?: string;
}

export class SmsContentDto {
  @IsString() @MinLength(1) @MaxLength(1600) text!: string;
}

export class PushContentDto {
  @IsString() @MinLength(1) title!: string;
  @IsString() body!: string;
  @IsOptional() @IsString() url?: string;
  @IsOptional() @IsString() icon?: string;
}

export class InAppContentDto {
  @IsOptional() @IsString() title?: string;
  @IsString() @MinLength(1) body!: string;
  @IsOptional() @IsString() url?: string;
}

export class WebhookContentDto {
  @IsObject() payload!: Record<string, unknown>;
}

/** Per-channel content: a template's `channels`, or a notification's inline `content`. */
export class ChannelContentDto {
  @IsOptional() @ValidateNested() @Type(() => EmailContentDto) email?: EmailContentDto;
  @IsOptional() @ValidateNested() @Type(() => SmsContentDto) sms?: SmsContentDto;
  @IsOptional() @ValidateNested() @Type(() => PushContentDto) push?: PushContentDto;
  @IsOptional() @ValidateNested() @Type(() => InAppContentDto) in_app?: InAppContentDto;
  @IsOptional() @ValidateNested() @Type(() => WebhookContentDto) webhook?: WebhookContentDto;
}
