import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HeraldCoreModule, runProcess } from '@herald/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

/** `npm run start:worker`: the worker alone, no HTTP server. Run as many as the queues need. */
void runProcess('worker', async (config, database) => {
  const app = await NestFactory.createApplicationContext(HeraldCoreModule.forRoot(config, database, [WorkerModule]), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  return app;
});
