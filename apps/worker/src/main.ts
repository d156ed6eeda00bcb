import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HeraldCoreModule, runProcess } from '@herald/core';
import { Logger } from 'nestjs-pino';
import { WorkerMetricsModule } from './metrics/worker-metrics.module';
import { WorkerModule } from './worker.module';

/** `npm run start:worker`: the worker alone: no API, only /metrics on METRICS_PORT when set. Run as many as the queues need. */
void runProcess('worker', async (config, database) => {
  const app = await NestFactory.createApplicationContext(
    HeraldCoreModule.forRoot(config, database, [WorkerModule, WorkerMetricsModule]),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  await app.init();
  return app;
});
