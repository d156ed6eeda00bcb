import { CanActivate, ExecutionContext, Injectable, RawBodyRequest } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { verifySendgridSignature } from '@herald/notifications';
import type { FastifyRequest } from 'fastify';
import { InvalidSignatureError } from './providers.errors';

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * SendGrid's signed Event Webhook: ECDSA over the timestamp header and the body's bytes as they came (the
 * app keeps them as `rawBody`). Without SENDGRID_WEBHOOK_PUBLIC_KEY nothing can be verified: every call is 401.
 */
@Injectable()
export class SendgridSignatureGuard implements CanActivate {
  constructor(private readonly config: HeraldConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RawBodyRequest<FastifyRequest>>();
    const key = this.config.sendgrid?.webhookPublicKey;
    if (!key) throw new InvalidSignatureError('SendGrid events need SENDGRID_WEBHOOK_PUBLIC_KEY, which is not set.');
    const verified = verifySendgridSignature(
      key,
      header(request, 'x-twilio-email-event-webhook-signature'),
      header(request, 'x-twilio-email-event-webhook-timestamp'),
      request.rawBody,
    );
    if (!verified) {
      throw new InvalidSignatureError(
        'X-Twilio-Email-Event-Webhook-Signature is missing or does not verify with SENDGRID_WEBHOOK_PUBLIC_KEY.',
      );
    }
    return true;
  }
}
