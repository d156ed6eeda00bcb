import { Type } from 'class-transformer';
import { INT4_MAX, IsBoundedJsonObject, IsIntegerText } from '@herald/core';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ThrottleRuleDto } from '../throttle/throttle-rule';
import { ChannelContentDto } from './channel-content.dto';
import { DigestRuleDto, TemplateStepDto } from './orchestration.dto';

const LOCALES_MAX_BYTES = 256 * 1024;

/** Body of `PUT /v1/admin/templates/{key}`. Locale variants are checked field by field by the service. */
export class TemplateDefinitionDto {
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsOptional() @IsString() @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/) category?: string;
  @IsOptional() @IsBoolean() critical?: boolean;
  // ValidateNested passes a missing value: without IsDefined a body with no channels reached the service (a 500).
  @IsDefined() @ValidateNested() @Type(() => ChannelContentDto) channels!: ChannelContentDto;
  /** Locale → channel → fields: variants of the content, which they may not outgrow by much. */
  @IsOptional()
  @IsBoundedJsonObject({ maxBytes: LOCALES_MAX_BYTES })
  locales?: Record<string, Record<string, Record<string, unknown>>>;
  @IsOptional() @IsBoundedJsonObject() schema?: Record<string, unknown>;
  /** At most `limit` sends per recipient and rendered key per `window` seconds (API.md §9). */
  @IsOptional() @ValidateNested() @Type(() => ThrottleRuleDto) throttle?: ThrottleRuleDto;
  /** Sends to one recipient with the same rendered key inside the window become one notification (API.md §9). */
  @IsOptional() @ValidateNested() @Type(() => DigestRuleDto) digest?: DigestRuleDto;
  /** Escalation: channels sent in order, a later one after its delay, unless the in-app message was read. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => TemplateStepDto)
  steps?: TemplateStepDto[];
}

export class PreviewTemplateDto {
  @IsOptional() @IsBoundedJsonObject() data?: Record<string, unknown>;
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/) locale?: string;
  /** A version number (a JSON number, or its digits as a string); the active version when absent or null. */
  @IsOptional() @IsIntegerText(1, INT4_MAX) version?: number | null;
}

/** Body of `POST /v1/admin/template-preview`: an unsaved template body, rendered with `data` in `locale`. */
export class DraftPreviewDto {
  @IsDefined() @ValidateNested() @Type(() => TemplateDefinitionDto) template!: TemplateDefinitionDto;
  @IsOptional() @IsBoundedJsonObject() data?: Record<string, unknown>;
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/) locale?: string;
}
