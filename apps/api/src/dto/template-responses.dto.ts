import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ChannelContentDto, DigestRuleDto, TemplateStepDto, TemplateView, ThrottleRuleDto } from '@herald/templates';

/** A template version as the admin routes answer it. */
@ApiSchema({ name: 'Template' })
export class TemplateViewDto implements TemplateView {
  @ApiProperty({ type: String }) key: string;
  @ApiProperty({ type: Number }) version: number;
  @ApiProperty({ type: String }) name: string;
  @ApiPropertyOptional({ type: String }) category?: string;
  @ApiProperty({ type: Boolean }) critical: boolean;
  @ApiProperty({ type: ChannelContentDto }) channels: ChannelContentDto;
  /** Per locale, per channel: the fields that override the default content. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'object', additionalProperties: true } })
  locales: TemplateView['locales'];
  /** JSON Schema the data of a send must satisfy. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) schema?: Record<string, unknown>;
  /** At most `limit` sends per recipient and rendered key per `window` seconds. */
  @ApiPropertyOptional({ type: ThrottleRuleDto }) throttle?: ThrottleRuleDto;
  @ApiPropertyOptional({ type: DigestRuleDto }) digest?: DigestRuleDto;
  @ApiPropertyOptional({ type: [TemplateStepDto] }) steps?: TemplateStepDto[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

/** Every template (its current version), or every version of one: not paged. */
@ApiSchema({ name: 'TemplateList' })
export class TemplateListDto {
  @ApiProperty({ type: [TemplateViewDto] }) items: TemplateViewDto[];
}
