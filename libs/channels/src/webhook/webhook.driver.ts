import http from 'node:http';
import https from 'node:https';
import { Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import type { WebhookContent } from '@herald/templates';
import { ChannelDriver, DeliveryContext, DriverResult } from '../channel-driver';
import { PermanentDeliveryError } from '../channels.errors';
import { httpFailure, networkFailure } from '../http/provider-response';
import { pinnedLookup, resolveTarget } from '../http/ssrf-guard';
import { webhookHeaders } from './webhook-signer';
import { postJson } from './webhook-http';

/** A receiver gets this long to take a webhook; then the attempt counts as a (transient) timeout. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

function targetUrl(raw: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(raw ?? '');
  } catch {
    throw new PermanentDeliveryError(`webhook URL "${raw ?? ''}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PermanentDeliveryError(`webhook URL must use http or https, got "${url.protocol}"`);
  }
  return url;
}

/**
 * POSTs the rendered payload to the recipient's webhookUrl, signed per
 * Standard Webhooks. 2xx is `delivered` (the receiver confirmed it); a 3xx is
 * a permanent failure, because following a redirect would send the payload to
 * a target nobody checked.
 *
 * Without WEBHOOK_SECRET the driver still sends, without `webhook-signature`,
 * and warns once at boot. Refusing instead would turn a missing setting into
 * failed deliveries at receivers that do not verify (local development, first
 * setup); receivers that do verify reject the unsigned request themselves, so
 * nothing is accepted on a false signature either way.
 */
@Injectable()
export class WebhookDriver implements ChannelDriver, OnModuleInit, BeforeApplicationShutdown {
  readonly channel = 'webhook' as const;
  private readonly logger = new Logger(WebhookDriver.name);
  // Own keep-alive agents: every pooled socket was opened through the guard's pinned lookup.
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(private readonly config: HeraldConfig) {}

  onModuleInit(): void {
    if (!this.config.webhook.secret) {
      this.logger.warn('WEBHOOK_SECRET is not set: webhooks are sent unsigned (no webhook-signature header)');
    }
  }

  /** After the workers stopped sending (they close in onModuleDestroy). */
  beforeApplicationShutdown(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  async send(context: DeliveryContext): Promise<DriverResult> {
    const { payload } = (context.content ?? {}) as Partial<WebhookContent>;
    if (payload === undefined) throw new PermanentDeliveryError('the webhook content has no payload');
    const url = targetUrl(context.address.webhookUrl);
    const addresses = await resolveTarget(url, { allowPrivate: this.config.webhook.allowPrivate });

    const body = JSON.stringify(payload);
    // The delivery id is the webhook id: the same on every retry, so receivers can drop duplicates.
    const id = context.deliveryId;
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Herald-Webhooks/1',
      ...webhookHeaders(this.config.webhook.secret, id, body),
    };
    let answer;
    try {
      answer = await postJson(url, body, headers, {
        lookup: pinnedLookup(addresses),
        timeoutMs: WEBHOOK_TIMEOUT_MS,
        agent: url.protocol === 'https:' ? this.agents.https : this.agents.http,
      });
    } catch (error) {
      throw networkFailure(error);
    }
    if (answer.status >= 200 && answer.status < 300) return { status: 'delivered', providerMessageId: id };
    const redirect = answer.status >= 300 && answer.status < 400;
    const detail = redirect
      ? `redirect to ${String(answer.headers.location ?? '(no location)')} not followed`
      : answer.body.trim();
    const retryAfter = answer.headers['retry-after'];
    throw httpFailure(answer.status, typeof retryAfter === 'string' ? retryAfter : null, detail)!;
  }
}
