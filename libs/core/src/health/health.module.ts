import { Module } from '@nestjs/common';
import { HealthService } from './health.service';

/** The readiness checks behind `GET /health/ready`; the database, queue and config modules are global. */
@Module({ providers: [HealthService], exports: [HealthService] })
export class HealthModule {}
