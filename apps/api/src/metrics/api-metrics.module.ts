import { Module } from '@nestjs/common';
import { MetricsModule } from '@herald/core';
import { HttpMetricsListener } from './http-metrics.listener';
import { MetricsController } from './metrics.controller';

/** GET /metrics and what only the api measures: HTTP timings (accepted notifications are counted by the accept flow, deliveries by the worker). */
@Module({
  imports: [MetricsModule],
  controllers: [MetricsController],
  providers: [HttpMetricsListener],
})
export class ApiMetricsModule {}
