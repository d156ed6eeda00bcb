import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/**
 * Global, so the worker's DeliveryService can record outcomes without its
 * module importing this one. The api app imports it; a worker-only process
 * does not (it serves no HTTP), and DeliveryService then records nothing.
 */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
