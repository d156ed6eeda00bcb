import { Module } from '@nestjs/common';
import { HttpMetricsListener } from './http-metrics.listener';
import { MetricsController } from './metrics.controller';

/** GET /metrics and what only the api measures: HTTP timings (accepted notifications are counted by the accept flow, deliveries by the worker). */
@Module({
  controllers: [MetricsController],
  providers: [HttpMetricsListener],
})
export class ApiMetricsModule {}
