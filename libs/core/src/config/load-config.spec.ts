import { generateKeyPairSync } from 'node:crypto';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core.errors';
import { loadConfig } from './load-config';

const rsaPublicKey = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .publicKey.export({ format: 'der', type: 'spki' })
  .toString('base64');

describe('loadConfig', () => {
  it('gives the defaults of API.md with no settings at all', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ port: 3000, publicUrl: 'http://localhost:3000' });
    expect(config.dataDir).toBe('./var');
    expect(config.database).toEqual({ url: undefined, directUrl: undefined, migrate: true, preparedStatements: true });
    expect(config.redis.url).toBeUndefined();
    expect(config.email).toEqual({ smtpUrl: undefined, fallbackUrls: [], from: 'Herald <no-reply@localhost>' });
    expect(config.webhook.allowPrivate).toBe(false);
    expect(config.microservice.transports).toEqual(['tcp']);
    expect(config.microservice.tcpPort).toBe(3001);
    expect(config.delivery).toMatchObject({ concurrency: 50, maxAttempts: 8, backoffMs: 15_000 });
    expect(config.twilio).toBeUndefined();
    expect(config.vonage).toBeUndefined();
    expect(config.circuit).toEqual({ failures: 5, cooldownMs: 30_000 });
    expect(config.logLevel).toBe('info');
    expect(config.rateLimit).toEqual({ perMinute: 6000 });
  });

  it('reads RATE_LIMIT_PER_MINUTE, 0 turning the limit off', () => {
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '5' }).rateLimit.perMinute).toBe(5);
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }).rateLimit.perMinute).toBe(0);
  });

  it('reads PUBLIC_URL without its trailing slash, defaulting to localhost on PORT', () => {
    expect(loadConfig({ PORT: '8080' }).http.publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://herald.example.com/' }).http.publicUrl).toBe('https://herald.example.com');
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://herald.example.com' })).toThrow(/PUBLIC_URL/);
  });

  it('reads SENDGRID_WEBHOOK_PUBLIC_KEY as SendGrid shows it (base64 DER) or as PEM', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(loadConfig({}).sendgrid).toBeUndefined();
    for (const text of [der, pem]) {
      const key = loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: text }).sendgrid?.webhookPublicKey;
      expect(key?.equals(publicKey)).toBe(true);
    }
  });

  it('reads the unsubscribe settings, none by default', () => {
    expect(loadConfig({}).unsubscribe).toEqual({ secret: undefined, mailto: undefined });
    const secret = 'x'.repeat(32);
    expect(
      loadConfig({ UNSUBSCRIBE_SECRET: secret, UNSUBSCRIBE_MAILTO: 'unsubscribe@example.com' }).unsubscribe,
    ).toEqual({ secret, mailto: 'unsubscribe@example.com' });
  });

  it('reads DATABASE_DIRECT_URL, defaulting to DATABASE_URL', () => {
    const pooled = 'postgres://herald@pgbouncer:6432/herald';
    const direct = 'postgres://herald@db:5432/herald';
    expect(loadConfig({ DATABASE_URL: pooled }).database).toMatchObject({ url: pooled, directUrl: pooled });
    expect(loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct }).database).toMatchObject({
      url: pooled,
      directUrl: direct,
    });
  });

  it('prepares statements unless DATABASE_DIRECT_URL says DATABASE_URL is a pooler, or told', () => {
    const pooled = 'postgres://herald@pgbouncer:6432/herald';
    const direct = 'postgres://herald@db:5432/herald';
    const prepared = (env: Record<string, string>) => loadConfig(env).database.preparedStatements;
    expect(prepared({ DATABASE_URL: direct })).toBe(true);
    expect(prepared({ DATABASE_URL: direct, DATABASE_DIRECT_URL: direct })).toBe(true);
    expect(prepared({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct })).toBe(false);
    expect(prepared({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct, DATABASE_PREPARED_STATEMENTS: 'true' })).toBe(
      true,
    );
    expect(prepared({ DATABASE_URL: direct, DATABASE_PREPARED_STATEMENTS: 'false' })).toBe(false);
  });

  it('reads METRICS_PORT only when set', () => {
    expect(loadConfig({}).metrics.port).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: '9100' }).metrics.port).toBe(9100);
  });

  it('reads SMTP_FALLBACK_URLS in order after SMTP_URL', () => {
    const config = loadConfig({
      SMTP_URL: 'smtp://u:p@mail-a.example.com:587',
      SMTP_FALLBACK_URLS: ' smtps://mail-b.example.com , smtp://mail-c.example.com:2525',
    });
    expect(config.email.fallbackUrls).toEqual(['smtps://mail-b.example.com', 'smtp://mail-c.example.com:2525']);
  });

  it('reads the circuit breaker settings', () => {
    const config = loadConfig({ PROVIDER_CIRCUIT_FAILURES: '3', PROVIDER_CIRCUIT_COOLDOWN_MS: '1000' });
    expect(config.circuit).toEqual({ failures: 3, cooldownMs: 1000 });
  });

  it('defaults the microservice transport to redis when REDIS_URL is set', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).microservice.transports).toEqual(['redis']);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ METRICS_PORT: 'x9100' }, 'METRICS_PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://a/b', DATABASE_DIRECT_URL: 'http://a/b' }, 'DATABASE_DIRECT_URL'],
    [{ DATABASE_DIRECT_URL: 'postgres://a/b' }, 'DATABASE_DIRECT_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ WEBHOOK_ALLOW_PRIVATE: 'maybe' }, 'WEBHOOK_ALLOW_PRIVATE'],
    [{ DATABASE_PREPARED_STATEMENTS: 'sometimes' }, 'DATABASE_PREPARED_STATEMENTS'],
    [{ WEBHOOK_SECRET: 'plain' }, 'WEBHOOK_SECRET'],
    [{ MAIL_FROM: 'Herald <a@b.c>\r\nBcc: x@y.z' }, 'MAIL_FROM'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ MICROSERVICE_TRANSPORT: 'carrier-pigeon' }, 'MICROSERVICE_TRANSPORT'],
    [{ MICROSERVICE_TRANSPORT: 'redis' }, 'MICROSERVICE_TRANSPORT'],
    [{ MICROSERVICE_TRANSPORT: 'rmq' }, 'RABBITMQ_URL'],
    [{ VAPID_PUBLIC_KEY: 'x' }, 'VAPID_PRIVATE_KEY'],
    [{ VAPID_PUBLIC_KEY: 'x', VAPID_PRIVATE_KEY: 'y', VAPID_SUBJECT: 'mailto:a@b.c' }, 'VAPID_PUBLIC_KEY'],
    [{ FCM_PROJECT_ID: 'p', FCM_CREDENTIALS: '{ not json' }, 'FCM_CREDENTIALS'],
    [{ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't' }, 'TWILIO_FROM'],
    [{ SMTP_FALLBACK_URLS: 'smtp://b.example.com' }, 'SMTP_FALLBACK_URLS'],
    [{ SMTP_URL: 'smtp://a.example.com', SMTP_FALLBACK_URLS: 'smtp://b.example.com,http://c' }, 'SMTP_FALLBACK_URLS'],
    [{ SMTP_URL: 'smtp://a.example.com', SMTP_FALLBACK_URLS: 'smtp://b.example.com,' }, 'SMTP_FALLBACK_URLS'],
    [{ SMTP_URL: 'smtp://a.example.com', SMTP_FALLBACK_URLS: 'smtp://x:y@a.example.com:587' }, 'SMTP_FALLBACK_URLS'],
    [{ VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's' }, 'VONAGE_FROM'],
    [
      { VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's', VONAGE_FROM: 'Herald', VONAGE_BASE_URL: 'rest' },
      'VONAGE_BASE_URL',
    ],
    [{ PROVIDER_CIRCUIT_FAILURES: '0' }, 'PROVIDER_CIRCUIT_FAILURES'],
    [{ PROVIDER_CIRCUIT_COOLDOWN_MS: 'soon' }, 'PROVIDER_CIRCUIT_COOLDOWN_MS'],
    [{ DELIVERY_MAX_ATTEMPTS: '0' }, 'DELIVERY_MAX_ATTEMPTS'],
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ RATE_LIMIT_PER_MINUTE: 'lots' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ SENDGRID_WEBHOOK_PUBLIC_KEY: 'not a key' }, 'SENDGRID_WEBHOOK_PUBLIC_KEY'],
    [{ SENDGRID_WEBHOOK_PUBLIC_KEY: rsaPublicKey }, 'SENDGRID_WEBHOOK_PUBLIC_KEY'],
    [{ UNSUBSCRIBE_SECRET: 'too-short' }, 'UNSUBSCRIBE_SECRET'],
    [{ UNSUBSCRIBE_MAILTO: 'not an address' }, 'UNSUBSCRIBE_MAILTO'],
    [{ UNSUBSCRIBE_MAILTO: 'a@b.c>\r\nBcc: x@y.z' }, 'UNSUBSCRIBE_MAILTO'],
    [{ UNSUBSCRIBE_MAILTO: '<a@b.c>' }, 'UNSUBSCRIBE_MAILTO'],
  ])('refuses %o with one line naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(variable);
    expect(message).not.toContain('\n');
  });

  it('reads complete groups', () => {
    const vapid = webpush.generateVAPIDKeys();
    const config = loadConfig({
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 'secret',
      TWILIO_FROM: '+15005550006',
      VONAGE_API_KEY: 'key',
      VONAGE_API_SECRET: 'vsecret',
      VONAGE_FROM: 'Herald',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.com',
    });
    expect(config.twilio).toEqual({
      accountSid: 'AC1',
      authToken: 'secret',
      from: '+15005550006',
      baseUrl: 'https://api.twilio.com',
    });
    expect(config.vonage).toEqual({
      apiKey: 'key',
      apiSecret: 'vsecret',
      from: 'Herald',
      baseUrl: 'https://rest.nexmo.com',
    });
    expect(config.vapid).toEqual({ ...vapid, subject: 'mailto:ops@example.com' });
  });
});
