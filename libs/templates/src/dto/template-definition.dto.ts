import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ChannelContentDto } from './channel-content.dto';

/** Body of `PUT /v1/admin/templates/{key}`. Locale variants are checked field by field by the service. */
export class TemplateDefinitionDto {
  @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @IsOptional() @IsString() @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/) category?: string;
  @IsOptional() @IsBoolean() critical?: boolean;
  @ValidateNested() @Type(() => ChannelContentDto) channels!: ChannelContentDto;
  @IsOptional() @IsObject() locales?: Record<string, Record<string, Record<string, unknown>>>;
  @IsOptional() @IsObject() schema?: Record<string, unknown>;
}

export class PreviewTemplateDto {
  @IsOptional() @IsObject() data?: Record<string, unknown>;
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/) locale?: string;
  @IsOptional() @Type(() => Number) version?: number;
}
