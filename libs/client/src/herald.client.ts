import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, RmqRecord, Transport } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { HeraldClientError } from './client.errors';
import { HERALD_CLIENT_OPTIONS, HERALD_CLIENT_PROXY, HeraldClientOptions } from './herald-client.options';
import type { HeraldBatchAnswer, HeraldBatchRequest, HeraldSendAnswer, HeraldSendRequest } from './herald-client.types';
import { HeraldPattern, HeraldPatterns } from './herald-patterns';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Herald over the Nest microservice transport, with typed answers as promises.
 * A refusal rejects with a HeraldClientError carrying the problem document.
 */
@Injectable()
export class HeraldClient implements OnApplicationShutdown {
  private readonly timeoutMs: number;

  constructor(
    @Inject(HERALD_CLIENT_PROXY) private readonly proxy: ClientProxy,
    @Inject(HERALD_CLIENT_OPTIONS) private readonly options: HeraldClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Accepts one notification: the 202 body of `POST /v1/notifications` (a digest template's send: the digest). */
  send(body: HeraldSendRequest): Promise<HeraldSendAnswer> {
    return this.request(HeraldPatterns.send, body);
  }

  /** Accepts up to 1000 notifications; each item answers on its own, in the order sent. */
  batch(body: HeraldBatchRequest): Promise<HeraldBatchAnswer> {
    return this.request(HeraldPatterns.batch, body);
  }

  /**
   * Fire and forget: resolves once the message is handed to the transport.
   * Herald answers nothing, so a refused notification is only in Herald's log;
   * use send() when the caller must know.
   */
  async emit(body: HeraldSendRequest): Promise<void> {
    await lastValueFrom(this.proxy.emit(HeraldPatterns.emit, this.message(body)), { defaultValue: undefined });
  }

  /** Connects now instead of on the first message (to fail start-up when Herald is unreachable). */
  connect(): Promise<unknown> {
    return this.proxy.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.proxy.close();
  }

  private async request<T>(pattern: HeraldPattern, body: object): Promise<T> {
    try {
      return await firstValueFrom(this.proxy.send<T>(pattern, this.message(body)).pipe(timeout(this.timeoutMs)));
    } catch (error) {
      throw HeraldClientError.from(error);
    }
  }

  /**
   * Over RabbitMQ each message gets an AMQP `messageId` of its own, which Herald uses as the idempotency key of
   * a body that names none: a message redelivered after Herald crashed before acking it (it acks after the
   * commit) replays instead of creating a second notification. It is persistent, so a durable queue keeps it
   * across a broker restart. A retry by the caller is a new message: give an `idempotencyKey` for those.
   */
  private message(body: object): object {
    const data = this.options.token === undefined ? body : { ...body, token: this.options.token };
    const { transport } = this.options;
    if (!('transport' in transport) || transport.transport !== Transport.RMQ) return data;
    return new RmqRecord(data, { messageId: randomUUID(), persistent: true });
  }
}
