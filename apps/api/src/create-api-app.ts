import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DatabaseRuntime, HeraldConfig, HeraldCoreModule } from '@herald/core';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { configureHttp } from './http/configure-http';
import { connectMicroserviceTransports } from './transport/microservice-transports';

/**
 * Builds the HTTP app with the api module and any others (the monolith adds the worker), with the microservice
 * transports of MICROSERVICE_TRANSPORT connected; not yet listening (see startApiApp).
 */
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
  connectMicroserviceTransports(app, config);
  return app;
}

/**
 * Starts what createApiApp built: every module initialised first, so no transport hands over a message
 * before the app is ready; then the microservice transports, then HTTP. A transport that cannot start
 * fails start-up.
 */
export async function startApiApp(app: INestApplication, port: number, host?: string): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
  await (host === undefined ? app.listen(port) : app.listen(port, host));
}
