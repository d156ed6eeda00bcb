import type { ServiceAccount } from './fcm-service-account';

export type MicroserviceTransport = 'redis' | 'tcp' | 'rmq';

/** The validated, typed configuration every module reads instead of `process.env`. */
export class HeraldConfig {
  /** `publicUrl`: where users and providers reach Herald (unsubscribe links, provider callbacks), no trailing slash. */
  http!: { port: number; publicUrl: string };
  /** Where a worker-only process serves /metrics; none: it serves nothing (the api and the monolith serve theirs on PORT). */
  metrics!: { port?: number };
  dataDir!: string;
  /**
   * `url` serves the queries, and may go through PgBouncer in transaction mode; `directUrl` (DATABASE_DIRECT_URL,
   * else `url`) serves what needs a session of its own: migrations and their lock, LISTEN, BullMQ's PostgreSQL backend.
   */
  database!: { url?: string; directUrl?: string; migrate: boolean };
  redis!: { url?: string; /** Key prefix, so several Herald installations can share one Redis. */ prefix: string };
  auth!: { adminApiKey?: string };
  email!: { smtpUrl?: string; from: string };
  webhook!: { secret?: string; allowPrivate: boolean };
  inbox!: { secret?: string };
  vapid?: { publicKey: string; privateKey: string; subject: string };
  twilio?: { accountSid: string; authToken: string; from: string; baseUrl: string };
  fcm?: { projectId: string; serviceAccount: ServiceAccount; baseUrl: string };
  microservice!: {
    transports: MicroserviceTransport[];
    tcpPort: number;
    token?: string;
    rabbitmq: { url?: string; queue: string };
  };
  delivery!: {
    concurrency: number;
    maxAttempts: number;
    backoffMs: number;
    reconcileIntervalMs: number;
    /** A `sending` delivery's lease, renewed by its worker every third of it: once it ends, the delivery is taken over. */
    sendingLeaseMs: number;
  };
  /** Requests per API key per minute (a sliding window); 0 turns the limit off. */
  rateLimit!: { perMinute: number };
  logLevel!: string;
}
