import type { HeraldConfig } from '@herald/core';

/** Pooled SMTP transport options from an SMTP URL; `smtps://` means implicit TLS. */
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

/** An SMTP server's provider name, `smtp:host:port`: what the attempt log and the metrics show, never the credentials. */
export function smtpServerName(smtpUrl: string): string {
  const { host, port } = smtpTransport(smtpUrl);
  return `smtp:${host}:${port}`;
}

/** SMTP_URL, then SMTP_FALLBACK_URLS in order; none: email is captured. */
export function smtpUrls(config: HeraldConfig): string[] {
  return config.email.smtpUrl ? [config.email.smtpUrl, ...config.email.fallbackUrls] : [];
}

export function mailerOptions(config: HeraldConfig) {
  const urls = smtpUrls(config);
  // Without SMTP_URL the driver captures instead of sending; the JSON transport is never used then.
  if (!urls.length) return { transport: { jsonTransport: true } };
  // One pooled transport per server, named as its provider: a send picks one with `transporterName`.
  return { transports: Object.fromEntries(urls.map((url) => [smtpServerName(url), smtpTransport(url)])) };
}
