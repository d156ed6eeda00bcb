import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { FieldError, Problem } from '@herald/core';

@ApiSchema({ name: 'ProblemFieldError' })
export class ProblemFieldErrorDto implements FieldError {
  /** JSON path of the refused field (`to.email`, `notifications[3].template`), or a header or query name. */
  @ApiProperty({ type: String }) path: string;
  @ApiProperty({ type: String }) message: string;
}

/** RFC 9457 problem document, the body of every 4xx (and 5xx) answer, as `application/problem+json`. */
@ApiSchema({ name: 'ProblemDocument' })
export class ProblemDocumentDto implements Problem {
  /** `https://herald.dev/problems/<code>`: what went wrong, stable for programs to branch on. */
  @ApiProperty({ type: String, format: 'uri' }) type: string;
  @ApiProperty({ type: String }) title: string;
  @ApiProperty({ type: Number }) status: number;
  @ApiPropertyOptional({ type: String }) detail?: string;
  /** Every refused field (validation and rejection problems). */
  @ApiPropertyOptional({ type: [ProblemFieldErrorDto] }) errors?: ProblemFieldErrorDto[];
}
