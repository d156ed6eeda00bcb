import { CHANNELS, type Channel } from '@herald/core';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import {
  MAX_DIGEST_EVENTS,
  MAX_ORCHESTRATION_SECONDS,
  type DigestRule,
  type TemplateStep,
} from '../orchestration/orchestration.types';

/** `digest` of a template body. */
export class DigestRuleDto implements DigestRule {
  /** Seconds from the first send until the digest closes (1 to 30 days). */
  @IsInt() @Min(1) @Max(MAX_ORCHESTRATION_SECONDS) window!: number;
  /**
   * Handlebars over each send's data; sends whose key renders the same join one digest.
   * @example "{{projectId}}"
   */
  @IsString() @MinLength(1) @MaxLength(500) key!: string;
  /** Closes the digest once it holds this many sends (at most 1,000, the default). */
  @IsOptional() @IsInt() @Min(1) @Max(MAX_DIGEST_EVENTS) maxEvents?: number;
}

/** One entry of a template's `steps`. */
export class TemplateStepDto implements TemplateStep {
  @IsIn(CHANNELS) channel!: Channel;
  /** Seconds after the send that this step's channel goes (0 to 30 days; 0 when absent). */
  @IsOptional() @IsInt() @Min(0) @Max(MAX_ORCHESTRATION_SECONDS) delay?: number;
  /** `read`: skipped (`already_read`) when the notification's in-app message was read by then. */
  @IsOptional() @IsIn(['read']) unless?: 'read';
}
