import https from 'node:https';
import { Injectable } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import type { PushSubscriptionData } from '@herald/core';
import webpush, { WebPushError } from 'web-push';
import { PermanentDeliveryError } from '../channels.errors';
import { httpFailure, networkFailure } from '../http/provider-response';
import { pinnedLookup, resolveTarget } from '../http/ssrf-guard';
import { PUSH_TIMEOUT_MS, PUSH_TTL_SECONDS, PushMessage, PushOutcome, webPushPayload } from './push-message';

type WebPushTarget = Extract<PushSubscriptionData, { type: 'webpush' }>;

/** Errors of the request itself (refused, reset, TLS, timed out) carry a code; web-push's own checks do not. */
function isNetworkError(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' || (error as Error).message === 'Socket timeout';
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption
 * (RFC 8291), through the `web-push` library.
 */
@Injectable()
export class WebPushSender {
  constructor(private readonly config: HeraldConfig) {}

  async send(target: WebPushTarget, message: PushMessage): Promise<PushOutcome> {
    const vapid = this.config.vapid;
    if (!vapid) return { kind: 'captured', target };
    let agent: https.Agent | undefined;
    try {
      agent = await this.pinnedAgent(new URL(target.endpoint));
    } catch (error) {
      return { kind: 'failed', target, error: error as PermanentDeliveryError };
    }
    try {
      const result = await webpush.sendNotification(
        { endpoint: target.endpoint, keys: target.keys },
        webPushPayload(message.content),
        {
          vapidDetails: vapid,
          TTL: PUSH_TTL_SECONDS,
          urgency: message.priority === 'high' ? 'high' : 'normal',
          contentEncoding: 'aes128gcm',
          timeout: PUSH_TIMEOUT_MS,
          agent,
        },
      );
      // The Location of the message resource (RFC 8030 §5) is the push service's id for it.
      return { kind: 'accepted', target, messageId: result.headers.location || undefined };
    } catch (error) {
      if (error instanceof WebPushError) {
        // RFC 8030 §7.3: 404 and 410 mean the subscription expired or was unsubscribed; it will never work again.
        if (error.statusCode === 404 || error.statusCode === 410) {
          return { kind: 'gone', target, reason: `HTTP ${error.statusCode}` };
        }
        return {
          kind: 'failed',
          target,
          error: httpFailure(error.statusCode, error.headers['retry-after'] ?? null, error.body)!,
        };
      }
      if (isNetworkError(error)) return { kind: 'failed', target, error: networkFailure(error) };
      // web-push refused the subscription or payload before any request (bad keys, payload too large).
      return { kind: 'failed', target, error: new PermanentDeliveryError(`web push: ${(error as Error).message}`) };
    }
  }

  /**
   * The endpoint comes from a browser via an API client, so it gets the
   * webhook channel's SSRF guard: resolve, refuse private addresses, and
   * connect to the address that was checked. With WEBHOOK_ALLOW_PRIVATE there
   * is nothing to pin and the default keep-alive agent serves.
   */
  private async pinnedAgent(url: URL): Promise<https.Agent | undefined> {
    if (this.config.webhook.allowPrivate) return undefined;
    const addresses = await resolveTarget(url, { allowPrivate: false });
    return new https.Agent({ lookup: pinnedLookup(addresses), keepAlive: false });
  }
}
