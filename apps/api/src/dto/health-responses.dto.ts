import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'Liveness' })
export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

/** One dependency's state; `capture` (SMTP only): no SMTP_URL, email is captured instead of sent. */
@ApiSchema({ name: 'HealthCheck' })
export class HealthCheckDto {
  @ApiProperty({ enum: ['up', 'down', 'capture'] }) status: 'up' | 'down' | 'capture';
  /** Why it is down. */
  @ApiPropertyOptional({ type: String }) error?: string;
  /** The queue store (queue only). */
  @ApiPropertyOptional({ enum: ['redis', 'postgres'] }) backend?: 'redis' | 'postgres';
}

@ApiSchema({ name: 'HealthChecks' })
export class HealthChecksDto {
  @ApiProperty({ type: HealthCheckDto }) postgres: HealthCheckDto;
  @ApiProperty({ type: HealthCheckDto }) queue: HealthCheckDto;
  @ApiProperty({ type: HealthCheckDto }) smtp: HealthCheckDto;
}

/** 200 when PostgreSQL answers (`ok`), 503 (`unavailable`) when it does not. */
@ApiSchema({ name: 'Readiness' })
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status: 'ok' | 'unavailable';
  @ApiProperty({ type: HealthChecksDto }) checks: HealthChecksDto;
}
