import { Injectable } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import type { PushSubscriptionData } from '@herald/core';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { httpFailure, networkFailure } from '../http/provider-response';
import { FcmAccessTokenProvider } from './fcm-access-token';
import { PUSH_TIMEOUT_MS, PUSH_TTL_SECONDS, PushMessage, PushOutcome } from './push-message';

type FcmTarget = Extract<PushSubscriptionData, { type: 'fcm' }>;

interface FcmAnswer {
  status: number;
  retryAfter: string | null;
  text: string;
}

/** The HTTP v1 message: a visible notification, the link and ids as data, priority and TTL per platform. */
export function fcmMessage(token: string, message: PushMessage): Record<string, unknown> {
  const { title, body, url, icon } = message.content;
  const high = message.priority === 'high';
  // FCM data values must be strings; absent fields are left out rather than sent empty.
  const data = Object.fromEntries(
    Object.entries({ url, icon, deliveryId: message.deliveryId, notificationId: message.notificationId }).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  return {
    message: {
      token,
      notification: { title, body },
      data,
      android: { priority: high ? 'HIGH' : 'NORMAL', ttl: `${PUSH_TTL_SECONDS}s` },
      apns: { headers: { 'apns-priority': high ? '10' : '5' } },
      webpush: {
        headers: { TTL: String(PUSH_TTL_SECONDS), Urgency: high ? 'high' : 'normal' },
        // FCM accepts only an https link here.
        ...(url?.startsWith('https://') ? { fcm_options: { link: url } } : {}),
      },
    },
  };
}

/** FCM's error status and detail code (`UNREGISTERED`, `INVALID_ARGUMENT`, ...), when the body is FCM's error JSON. */
function fcmErrorCodes(text: string): string[] {
  try {
    const error = (JSON.parse(text) as { error?: { status?: string; details?: { errorCode?: string }[] } }).error;
    return [error?.status, ...(error?.details ?? []).map((detail) => detail.errorCode)].filter(
      (code): code is string => !!code,
    );
  } catch {
    return [];
  }
}

/** Firebase Cloud Messaging HTTP v1 (`projects/{id}/messages:send`) for Android and iOS tokens. */
@Injectable()
export class FcmSender {
  constructor(
    private readonly config: HeraldConfig,
    private readonly tokens: FcmAccessTokenProvider,
  ) {}

  async send(target: FcmTarget, message: PushMessage): Promise<PushOutcome> {
    if (!this.config.fcm) return { kind: 'captured', target };
    const body = JSON.stringify(fcmMessage(target.token, message));
    let answer: FcmAnswer;
    try {
      let accessToken = await this.tokens.token();
      answer = await this.post(accessToken, body);
      if (answer.status === 401) {
        // A cached token can be revoked before it expires: one fresh token, one more try.
        this.tokens.invalidate(accessToken);
        accessToken = await this.tokens.token();
        answer = await this.post(accessToken, body);
      }
    } catch (error) {
      const failure =
        error instanceof TransientDeliveryError || error instanceof PermanentDeliveryError
          ? error
          : networkFailure(error);
      return { kind: 'failed', target, error: failure };
    }
    const codes = fcmErrorCodes(answer.text);
    // The token was unregistered by the app or expired: FCM answers 404 NOT_FOUND with errorCode UNREGISTERED.
    if (answer.status === 404 || codes.includes('UNREGISTERED')) {
      return { kind: 'gone', target, reason: `HTTP ${answer.status} ${codes.join(' ')}`.trim() };
    }
    const failure = httpFailure(answer.status, answer.retryAfter, answer.text);
    if (failure) return { kind: 'failed', target, error: failure };
    let name: unknown;
    try {
      name = (JSON.parse(answer.text) as { name?: unknown }).name;
    } catch {
      name = undefined;
    }
    return { kind: 'accepted', target, messageId: typeof name === 'string' ? name : undefined };
  }

  private async post(accessToken: string, body: string): Promise<FcmAnswer> {
    const { baseUrl, projectId } = this.config.fcm!;
    const response = await fetch(
      `${baseUrl.replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(projectId)}/messages:send`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      },
    );
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
  }
}
