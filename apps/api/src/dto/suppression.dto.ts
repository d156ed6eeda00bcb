import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsIntegerText } from '@herald/core';
import { SUPPRESSION_REASONS, SuppressionFilter, SuppressionReason } from '@herald/notifications';

const NULLABLE_STRING = { type: String, nullable: true } as const;

/** An address Herald no longer sends to (API.md §10). */
@ApiSchema({ name: 'Suppression' })
export class SuppressionViewDto {
  @ApiProperty({ type: String }) id: string;
  @ApiProperty({ enum: ['email', 'sms'] }) channel: 'email' | 'sms';
  /** An email lower-cased, or a phone number in E.164. */
  @ApiProperty({ type: String }) address: string;
  /** `hard_bounce` skips every template; `complaint` and `sms_stop` skip all but critical ones. */
  @ApiProperty({ enum: SUPPRESSION_REASONS }) reason: SuppressionReason;
  /** The provider that reported it: `sendgrid` or `twilio`. */
  @ApiProperty({ type: String }) source: string;
  /** The delivery whose bounce, complaint or STOP caused it. */
  @ApiProperty(NULLABLE_STRING) deliveryId: string | null;
  /** The provider's words (a bounce's SMTP reply, say). */
  @ApiProperty(NULLABLE_STRING) detail: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
}

/** `GET /v1/admin/suppressions?address&reason&limit&cursor`. */
export class SuppressionQuery {
  /** An email (any case) or an E.164 phone number. */
  @IsOptional() @IsString() @MaxLength(320) address?: string;

  @IsOptional() @IsIn(SUPPRESSION_REASONS) reason?: SuppressionReason;

  /** 1 to 200, default 50. */
  @IsOptional() @IsIntegerText(1, 200) limit?: number;

  /** The `nextCursor` of the previous page. */
  @IsOptional() @IsUUID('all', { message: 'cursor must be the nextCursor of a previous page' }) cursor?: string;

  toFilter(): SuppressionFilter {
    return { address: this.address, reason: this.reason, limit: this.limit ?? 50, cursor: this.cursor };
  }
}
