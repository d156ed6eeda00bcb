import { AddressInfo } from 'node:net';
import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createApiApp, startApiApp } from '@herald/api';
import { DatabaseRuntime, HeraldConfig, HeraldCoreModule, loadConfig } from '@herald/core';
import { WorkerModule } from '@herald/worker';
import { ApiClient } from './api-client';
import { testEnv } from './test-env';

// testEnv lives in test-env.ts (no Vitest, no Nest) so the fuzzer's build can use it; the tests import it from here.
export { testEnv };

export interface HeraldOptions {
  databaseUrl: string;
  /** Which apps this process runs; both is the monolith. */
  apps?: ('api' | 'worker')[];
  env?: Record<string, string | undefined>;
}

export interface RunningHerald {
  config: HeraldConfig;
  app: INestApplicationContext;
  /** Base URL of the HTTP API (api app only). */
  baseUrl: string;
  adminKey: string;
  admin: ApiClient;
  close(): Promise<void>;
}

/** Starts Herald in this process, as the real main.ts files do, on a free port. */
export async function startHerald(options: HeraldOptions): Promise<RunningHerald> {
  const apps = options.apps ?? ['api', 'worker'];
  const config = loadConfig(testEnv(options.databaseUrl, options.env));
  const database = new DatabaseRuntime(options.databaseUrl, config.database.directUrl);
  const extra: Type[] = apps.includes('worker') ? [WorkerModule] : [];
  let app: INestApplicationContext;
  let baseUrl = '';
  if (apps.includes('api')) {
    const http = await createApiApp(config, database, extra);
    // Also starts the microservice transports a test asks for (env MICROSERVICE_TRANSPORT; 'none' by default).
    await startApiApp(http, 0, '127.0.0.1').catch(async (error: unknown) => {
      await http.close();
      throw error;
    });
    baseUrl = `http://127.0.0.1:${(http.getHttpServer().address() as AddressInfo).port}`;
    app = http;
  } else {
    app = await NestFactory.createApplicationContext(HeraldCoreModule.forRoot(config, database, extra), {
      logger: ['error', 'warn'],
    });
    await app.init();
  }
  const adminKey = config.auth.adminApiKey!;
  return { config, app, baseUrl, adminKey, admin: new ApiClient(baseUrl, adminKey), close: () => app.close() };
}
