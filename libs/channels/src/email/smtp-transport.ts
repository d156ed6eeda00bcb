import type { HeraldConfig } from '@herald/core';

/** Pooled SMTP transport options from SMTP_URL; `smtps://` means implicit TLS. */
export function smtpTransport(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    pool: true,
    maxConnections: 5,
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 587)),
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

export function mailerOptions(config: HeraldConfig) {
  // Without SMTP_URL the driver captures instead of sending; the JSON transport is never used then.
  return { transport: config.email.smtpUrl ? smtpTransport(config.email.smtpUrl) : { jsonTransport: true } };
}
