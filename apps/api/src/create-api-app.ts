import { networkInterfaces } from 'node:os';
import { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DatabaseRuntime, HeraldConfig, HeraldCoreModule } from '@herald/core';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { configureHttp, createHttpAdapter } from './http/configure-http';
import { registerQueueDashboard } from './queue-dashboard/queue-dashboard.plugin';
import { connectMicroserviceTransports } from './transport/microservice-transports';

/**
 * Builds the HTTP app with the api module and any others (the monolith adds the worker), with the microservice
 * transports of MICROSERVICE_TRANSPORT connected; not yet listening (see startApiApp).
 */
export async function createApiApp(
  config: HeraldConfig,
  database: DatabaseRuntime,
  extra: Type[] = [],
): Promise<NestFastifyApplication> {
  const modules = HeraldCoreModule.forRoot(config, database, [ApiModule, ...extra]);
  const app = await NestFactory.create<NestFastifyApplication>(modules, createHttpAdapter(), {
    // Herald's own JSON parser (http/json-body.ts) replaces Nest's.
    bodyParser: false,
    // JSON requests keep their bytes as `request.rawBody`, for signatures of provider callbacks.
    rawBody: true,
    bufferLogs: true,
    // Idle keep-alive sockets (browsers open spares) would otherwise hold shutdown until they time out.
    forceCloseConnections: true,
  });
  app.useLogger(app.get(Logger));
  configureHttp(app);
  registerQueueDashboard(app);
  connectMicroserviceTransports(app, config);
  return app;
}

/**
 * Where the API listens without a host: every interface, as Node's own `listen(port)` does (Fastify's default
 * is localhost only, which a container's port mapping cannot reach). `::` takes IPv4 too, where IPv6 exists.
 */
const ALL_INTERFACES = Object.values(networkInterfaces()).some((addresses) =>
  addresses?.some((address) => address.family === 'IPv6'),
)
  ? '::'
  : '0.0.0.0';

/**
 * Starts what createApiApp built: every module initialised first, so no transport hands over a message
 * before the app is ready; then the microservice transports, then HTTP. A transport that cannot start
 * fails start-up.
 */
export async function startApiApp(app: NestFastifyApplication, port: number, host?: string): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
  await app.listen(port, host ?? ALL_INTERFACES);
}
