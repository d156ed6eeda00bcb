import 'reflect-metadata';
import { runProcess } from '@herald/core';
import { createApiApp, startApiApp } from './create-api-app';

/** `npm run start:api`: the HTTP API alone. Run as many as traffic needs, behind a load balancer. */
void runProcess('api', async (config, database) => {
  const app = await createApiApp(config, database);
  await startApiApp(app, config.http.port);
  return app;
});
