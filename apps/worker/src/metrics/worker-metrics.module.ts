import { Module } from '@nestjs/common';
import { WorkerMetricsServer } from './worker-metrics.server';

/**
 * The worker-only process's /metrics. Not part of WorkerModule: in the monolith the worker's series are served by
 * the api's /metrics on PORT, one endpoint for both halves.
 */
@Module({ providers: [WorkerMetricsServer] })
export class WorkerMetricsModule {}
