export * from './client.errors';
export * from './herald-client.module';
export * from './herald-client.options';
export * from './herald-client.types';
export * from './herald-patterns';
export * from './herald.client';
export * from './redis-cluster.client';
