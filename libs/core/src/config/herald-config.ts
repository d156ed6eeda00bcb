import type { KeyObject } from 'node:crypto';
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
   * `preparedStatements`: the hot statements are prepared once per connection (off behind a transaction pooler).
   */
  database!: { url?: string; directUrl?: string; migrate: boolean; preparedStatements: boolean };
  redis!: { url?: string; /** Key prefix, so several Herald installations can share one Redis. */ prefix: string };
  auth!: { adminApiKey?: string };
  /** `fallbackUrls`: SMTP servers tried in order when `smtpUrl` (and each one before) fails transiently. */
  email!: { smtpUrl?: string; fallbackUrls: string[]; from: string };
  webhook!: { secret?: string; allowPrivate: boolean };
  inbox!: { secret?: string };
  /**
   * One-click unsubscribe links: `secret` signs them (none: a secret generated once and kept in PostgreSQL);
   * `mailto` is the address a `mailto:` unsubscribe goes to, beside the URL.
   */
  unsubscribe!: { secret?: string; mailto?: string };
  vapid?: { publicKey: string; privateKey: string; subject: string };
  twilio?: { accountSid: string; authToken: string; from: string; baseUrl: string };
  /** Vonage's SMS API: the second SMS provider (after Twilio when both are set). */
  vonage?: { apiKey: string; apiSecret: string; from: string; baseUrl: string };
  /** Each provider's circuit breaker: opened by `failures` consecutive transient failures, probed after `cooldownMs`. */
  circuit!: { failures: number; cooldownMs: number };
  fcm?: { projectId: string; serviceAccount: ServiceAccount; baseUrl: string };
  /** The verification key of SendGrid's signed Event Webhook; without it every event is refused (401). */
  sendgrid?: { webhookPublicKey: KeyObject };
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
