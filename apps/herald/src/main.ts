import 'reflect-metadata';
import { createApiApp, startApiApp } from '@herald/api';
import { runProcess } from '@herald/core';
import { WorkerModule } from '@herald/worker';

/** `npm start`: the modular monolith, the api and the worker modules in one process. */
void runProcess('herald', async (config, database) => {
  const app = await createApiApp(config, database, [WorkerModule]);
  await startApiApp(app, config.http.port);
  return app;
});
