import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/**
 * Global and imported by every process's root (HeraldCoreModule), so the accept flow and the worker's
 * DeliveryService record into the one registry their process serves: the api's /metrics, the monolith's (both
 * halves in one), a worker-only process's METRICS_PORT.
 */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
