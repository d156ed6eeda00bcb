import { existsSync } from 'node:fs';
import { ConfigError } from '../core.errors';
import { loadServiceAccount } from './fcm-service-account';
import { sendgridPublicKey } from './sendgrid-key';
import { checkVapid } from './vapid-keys';
import { HeraldConfig, MicroserviceTransport } from './herald-config';

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const TRANSPORTS: MicroserviceTransport[] = ['redis', 'tcp', 'rmq'];

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function optionalInteger(env: Env, name: string, min: number, max: number): number | undefined {
  return text(env, name) === undefined ? undefined : integer(env, name, 0, min, max);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function checkedUrl(name: string, raw: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol.slice(0, -1))) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = text(env, name);
  return raw === undefined ? undefined : checkedUrl(name, raw, protocols);
}

/** SMTP_FALLBACK_URLS: comma-separated, each checked like SMTP_URL; only with SMTP_URL, and no server twice. */
function smtpFallbackUrls(env: Env, smtpUrl: string | undefined): string[] {
  const raw = text(env, 'SMTP_FALLBACK_URLS');
  if (raw === undefined) return [];
  if (!smtpUrl) throw new ConfigError('SMTP_FALLBACK_URLS', 'needs SMTP_URL, the server tried first');
  const urls = raw.split(',').map((entry) => entry.trim());
  if (urls.some((entry) => entry === '')) throw new ConfigError('SMTP_FALLBACK_URLS', 'has an empty entry');
  for (const entry of urls) checkedUrl('SMTP_FALLBACK_URLS', entry, ['smtp', 'smtps']);
  // Each server is a provider of its own, named by host and port in the attempt log and the metrics.
  const servers = [smtpUrl, ...urls].map((entry) => {
    const parsed = new URL(entry);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'smtps:' ? 465 : 587)}`;
  });
  const twice = servers.find((server, index) => servers.indexOf(server) !== index);
  if (twice) throw new ConfigError('SMTP_FALLBACK_URLS', `lists ${twice} twice (SMTP_URL included)`);
  return urls;
}

/** Every variable of the group, or none of them: a partial group names what is missing. */
function group<K extends string>(env: Env, names: Record<K, string>): Record<K, string> | undefined {
  const values = Object.fromEntries(
    Object.entries<string>(names).map(([key, name]) => [key, text(env, name)]),
  ) as Record<K, string | undefined>;
  const missing = Object.entries<string>(names).filter(([key]) => values[key as K] === undefined);
  if (missing.length === Object.keys(names).length) return undefined;
  if (missing.length > 0) {
    const given = Object.entries<string>(names).find(([key]) => values[key as K] !== undefined)![1];
    throw new ConfigError(missing[0][1], `is required when ${given} is set`);
  }
  return values as Record<K, string>;
}

function transports(env: Env, redisUrl: string | undefined): MicroserviceTransport[] {
  const raw = text(env, 'MICROSERVICE_TRANSPORT') ?? (redisUrl ? 'redis' : 'tcp');
  const names = raw.split(',').map((name) => name.trim().toLowerCase());
  if (names.length === 1 && names[0] === 'none') return [];
  for (const name of names) {
    if (!TRANSPORTS.includes(name as MicroserviceTransport)) {
      throw new ConfigError('MICROSERVICE_TRANSPORT', `must list redis, tcp, rmq or be none, got "${raw}"`);
    }
  }
  if (names.includes('redis') && !redisUrl) {
    throw new ConfigError('MICROSERVICE_TRANSPORT', 'includes redis but REDIS_URL is not set');
  }
  return [...new Set(names)] as MicroserviceTransport[];
}

/** Reads and validates the environment once; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env): HeraldConfig {
  const redisUrl = url(env, 'REDIS_URL', ['redis', 'rediss']);
  const webhookSecret = text(env, 'WEBHOOK_SECRET');
  if (webhookSecret && !/^whsec_[A-Za-z0-9+/=]+$/.test(webhookSecret)) {
    throw new ConfigError('WEBHOOK_SECRET', 'must be whsec_ followed by base64');
  }
  const mailFrom = text(env, 'MAIL_FROM') ?? 'Herald <no-reply@localhost>';
  // It becomes the From header: a line break in it would add headers to every message.
  if (/[\r\n]/.test(mailFrom)) throw new ConfigError('MAIL_FROM', 'must be one line');
  const logLevel = text(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const microserviceTransports = transports(env, redisUrl);
  const rabbitmqUrl = url(env, 'RABBITMQ_URL', ['amqp', 'amqps']);
  if (microserviceTransports.includes('rmq') && !rabbitmqUrl) {
    throw new ConfigError('RABBITMQ_URL', 'is required when MICROSERVICE_TRANSPORT includes rmq');
  }
  const twilio = group(env, {
    accountSid: 'TWILIO_ACCOUNT_SID',
    authToken: 'TWILIO_AUTH_TOKEN',
    from: 'TWILIO_FROM',
  });
  const vonage = group(env, { apiKey: 'VONAGE_API_KEY', apiSecret: 'VONAGE_API_SECRET', from: 'VONAGE_FROM' });
  const fcm = group(env, { projectId: 'FCM_PROJECT_ID', credentials: 'FCM_CREDENTIALS' });
  const vapid = group(env, {
    publicKey: 'VAPID_PUBLIC_KEY',
    privateKey: 'VAPID_PRIVATE_KEY',
    subject: 'VAPID_SUBJECT',
  });
  if (vapid) checkVapid(vapid);

  const sendgridKey = text(env, 'SENDGRID_WEBHOOK_PUBLIC_KEY');
  const unsubscribeSecret = text(env, 'UNSUBSCRIBE_SECRET');
  // It keys HMAC-SHA256 links that anyone may try to forge: at least 256 bits of a random string's worth.
  if (unsubscribeSecret !== undefined && unsubscribeSecret.length < 32) {
    throw new ConfigError('UNSUBSCRIBE_SECRET', 'must be at least 32 characters');
  }
  const unsubscribeMailto = text(env, 'UNSUBSCRIBE_MAILTO');
  // It goes into the List-Unsubscribe header as <mailto:…>: a plain address, nothing that could end the header.
  if (unsubscribeMailto !== undefined && !/^[^\s<>@,;:"\\]+@[A-Za-z0-9.-]+$/.test(unsubscribeMailto)) {
    throw new ConfigError('UNSUBSCRIBE_MAILTO', 'must be a plain email address, like unsubscribe@example.com');
  }
  const smtpUrl = url(env, 'SMTP_URL', ['smtp', 'smtps']);
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres', 'postgresql']);
  const databaseDirectUrl = url(env, 'DATABASE_DIRECT_URL', ['postgres', 'postgresql']);
  // The embedded PostgreSQL has no pooler in front: a direct URL beside it would point at another server.
  if (databaseDirectUrl && !databaseUrl) throw new ConfigError('DATABASE_DIRECT_URL', 'is set but DATABASE_URL is not');

  const port = integer(env, 'PORT', 3000, 0, 65535);
  const publicUrl = (url(env, 'PUBLIC_URL', ['http', 'https']) ?? `http://localhost:${port}`).replace(/\/+$/, '');

  return {
    http: { port, publicUrl },
    metrics: { port: optionalInteger(env, 'METRICS_PORT', 0, 65535) },
    dataDir: text(env, 'HERALD_DATA_DIR') ?? './var',
    database: {
      url: databaseUrl,
      directUrl: databaseDirectUrl ?? databaseUrl,
      migrate: boolean(env, 'DB_MIGRATE', true),
      // A DATABASE_DIRECT_URL of its own says DATABASE_URL is a transaction pooler, which (PgBouncer before 1.21)
      // cannot keep a statement prepared on one server connection for the next transaction.
      preparedStatements: boolean(
        env,
        'DATABASE_PREPARED_STATEMENTS',
        databaseDirectUrl === undefined || databaseDirectUrl === databaseUrl,
      ),
    },
    redis: { url: redisUrl, prefix: text(env, 'REDIS_PREFIX') ?? 'herald' },
    auth: { adminApiKey: text(env, 'ADMIN_API_KEY') },
    email: { smtpUrl, fallbackUrls: smtpFallbackUrls(env, smtpUrl), from: mailFrom },
    webhook: { secret: webhookSecret, allowPrivate: boolean(env, 'WEBHOOK_ALLOW_PRIVATE', false) },
    inbox: { secret: text(env, 'INBOX_SECRET') },
    unsubscribe: { secret: unsubscribeSecret, mailto: unsubscribeMailto },
    vapid,
    twilio: twilio && {
      ...twilio,
      baseUrl: url(env, 'TWILIO_BASE_URL', ['http', 'https']) ?? 'https://api.twilio.com',
    },
    vonage: vonage && {
      ...vonage,
      baseUrl: url(env, 'VONAGE_BASE_URL', ['http', 'https']) ?? 'https://rest.nexmo.com',
    },
    circuit: {
      failures: integer(env, 'PROVIDER_CIRCUIT_FAILURES', 5, 1, 1000),
      cooldownMs: integer(env, 'PROVIDER_CIRCUIT_COOLDOWN_MS', 30_000, 100, 3_600_000),
    },
    fcm: fcm && {
      projectId: fcm.projectId,
      serviceAccount: loadServiceAccount(fcm.credentials),
      baseUrl: url(env, 'FCM_BASE_URL', ['http', 'https']) ?? 'https://fcm.googleapis.com',
    },
    sendgrid: sendgridKey === undefined ? undefined : { webhookPublicKey: sendgridPublicKey(sendgridKey) },
    microservice: {
      transports: microserviceTransports,
      tcpPort: integer(env, 'MICROSERVICE_TCP_PORT', 3001, 0, 65535),
      token: text(env, 'MICROSERVICE_TOKEN'),
      rabbitmq: { url: rabbitmqUrl, queue: text(env, 'RABBITMQ_QUEUE') ?? 'herald' },
    },
    delivery: {
      concurrency: integer(env, 'WORKER_CONCURRENCY', 50, 1, 1000),
      maxAttempts: integer(env, 'DELIVERY_MAX_ATTEMPTS', 8, 1, 100),
      backoffMs: integer(env, 'DELIVERY_BACKOFF_MS', 15_000, 0, 86_400_000),
      reconcileIntervalMs: integer(env, 'RECONCILE_INTERVAL_MS', 10_000, 100, 3_600_000),
      sendingLeaseMs: integer(env, 'DELIVERY_SENDING_LEASE_MS', 30_000, 1_000, 86_400_000),
    },
    rateLimit: { perMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 6000, 0, 10_000_000) },
    logLevel,
  };
}

/** The process environment, with `.env` merged in when present (real variables win). */
export function loadConfigFromProcess(): HeraldConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig(process.env);
}
