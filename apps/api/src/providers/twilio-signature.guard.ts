import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { verifyTwilioSignature } from '@herald/notifications';
import type { FastifyRequest } from 'fastify';
import { formOf } from './form-body';
import { InvalidSignatureError } from './providers.errors';

/**
 * Twilio's webhooks carry no API key: `X-Twilio-Signature` proves them, computed over the URL Twilio called,
 * which is PUBLIC_URL followed by the path and query this request came with (a proxy in front may change
 * scheme and host, never what follows). Without TWILIO_AUTH_TOKEN nothing can be verified: every call is 401.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(private readonly config: HeraldConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const authToken = this.config.twilio?.authToken;
    if (!authToken) throw new InvalidSignatureError('Twilio callbacks need TWILIO_AUTH_TOKEN, which is not set.');
    const signature = request.headers['x-twilio-signature'];
    const url = `${this.config.http.publicUrl}${request.url}`;
    const params = [...formOf(request.body).entries()];
    if (typeof signature !== 'string' || !verifyTwilioSignature(authToken, signature, url, params)) {
      throw new InvalidSignatureError(`X-Twilio-Signature is missing or is not Twilio's for ${url}.`);
    }
    return true;
  }
}
