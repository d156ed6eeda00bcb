import { sign } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { HeraldConfig, ServiceAccount } from '@herald/core';
import { PermanentDeliveryError } from '../channels.errors';
import { httpFailure, networkFailure } from '../http/provider-response';
import { PUSH_TIMEOUT_MS } from './push-message';

const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const ASSERTION_LIFETIME_S = 3600;
/** Renew a little before expiry, so a token never expires between the check and FCM reading it. */
const EXPIRY_MARGIN_MS = 60_000;

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An RS256-signed JWT asserting the service account, for the OAuth 2.0 JWT-bearer grant (RFC 7523). */
export function signAssertion(account: ServiceAccount, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(account.privateKeyId ? { kid: account.privateKeyId } : {}) };
  const claims = {
    iss: account.clientEmail,
    scope: FCM_SCOPE,
    aud: account.tokenUri,
    iat,
    exp: iat + ASSERTION_LIFETIME_S,
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), account.privateKey))}`;
}

/**
 * OAuth access tokens for FCM HTTP v1 from the service account: one token
 * shared by every send until shortly before it expires, and one request for
 * it however many sends are waiting.
 */
@Injectable()
export class FcmAccessTokenProvider {
  private readonly account?: ServiceAccount;
  private cached?: { token: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(config: HeraldConfig) {
    this.account = config.fcm?.serviceAccount;
  }

  /** Throws a TransientDeliveryError or PermanentDeliveryError the sender passes on. */
  async token(): Promise<string> {
    if (this.cached && Date.now() < this.cached.expiresAt) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** FCM refused this token (revoked, or the clock was off): the next call fetches a new one. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const account = this.account;
    if (!account) throw new PermanentDeliveryError('FCM is not configured');
    const requestedAt = Date.now();
    let response: Response;
    try {
      response = await fetch(account.tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: signAssertion(account, requestedAt),
        }),
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
    } catch (error) {
      throw networkFailure(error);
    }
    const text = await response.text().catch(() => '');
    const failure = httpFailure(response.status, response.headers.get('retry-after'), `FCM token endpoint: ${text}`);
    if (failure) throw failure;
    let answer: { access_token?: unknown; expires_in?: unknown };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      throw new PermanentDeliveryError(`FCM token endpoint answered ${response.status} without JSON`);
    }
    if (typeof answer.access_token !== 'string' || !answer.access_token) {
      throw new PermanentDeliveryError('FCM token endpoint answered without an access_token');
    }
    const lifetimeS =
      typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : ASSERTION_LIFETIME_S;
    this.cached = { token: answer.access_token, expiresAt: requestedAt + lifetimeS * 1000 - EXPIRY_MARGIN_MS };
    return answer.access_token;
  }
}
