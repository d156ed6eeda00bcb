import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { TransportUnauthorizedError } from '../api.errors';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The transport's only credential: when MICROSERVICE_TOKEN is set, every
 * message carries it as "token". Compared as SHA-256 digests so the compare is
 * constant-time whatever the length given. The token is removed from the
 * message either way: it is not part of the notification (validation would
 * refuse it as an unknown field, and idempotency would hash it).
 */
@Injectable()
export class TransportTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(config: HeraldConfig) {
    if (config.microservice.token) this.expected = digest(config.microservice.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const data: unknown = context.switchToRpc().getData();
    const message =
      typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
    const token = message?.token;
    if (message) delete message.token;
    if (!this.expected) return true;
    if (typeof token !== 'string' || !timingSafeEqual(digest(token), this.expected))
      throw new TransportUnauthorizedError();
    return true;
  }
}
