import type { ClientOptions, CustomClientOptions } from '@nestjs/microservices';

export interface HeraldClientOptions {
  /**
   * How to reach Herald, as for ClientsModule: e.g.
   * `{ transport: Transport.TCP, options: { host: 'herald', port: 3001 } }`,
   * `{ transport: Transport.REDIS, options: { host, port } }` or
   * `{ transport: Transport.RMQ, options: { urls: [url], queue: 'herald' } }`, or for a Herald on a Redis
   * Cluster `redisClusterTransport({ nodes: ['host:port'] })`.
   */
  transport: ClientOptions | CustomClientOptions;
  /** Herald's MICROSERVICE_TOKEN, when it has one: added to every message as `token`. */
  token?: string;
  /** How long send and batch wait for an answer; 10 s by default (a batch of 1000 takes a few seconds). */
  timeoutMs?: number;
}

export const HERALD_CLIENT_OPTIONS = Symbol('HERALD_CLIENT_OPTIONS');
export const HERALD_CLIENT_PROXY = Symbol('HERALD_CLIENT_PROXY');
