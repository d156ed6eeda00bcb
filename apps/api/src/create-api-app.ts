import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DatabaseRuntime, HeraldConfig, HeraldCoreModule } from '@herald/core';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { configureHttp } from './http/configure-http';

/** Builds the HTTP app with the api module and any others (the monolith adds the worker); not yet listening. */
export async function createApiApp(
  config: HeraldConfig,
  database: DatabaseRuntime,
  extra: Type[] = [],
): Promise<INestApplication> {
  const app = await NestFactory.create(HeraldCoreModule.forRoot(config, database, [ApiModule, ...extra]), {
    bodyParser: false,
    bufferLogs: true,
    // Idle keep-alive sockets (browsers open spares) would otherwise hold shutdown until they time out.
    forceCloseConnections: true,
  });
  app.useLogger(app.get(Logger));
  configureHttp(app);
  return app;
}
