import { freePort } from '@herald/core';
import { Redis } from 'ioredis';
import { Child, startChild, stopChild } from '../test/support/child-process';
import { until } from './until';

/** A redis-server of the scenario's own (no persistence), so flushing or restarting it touches nobody else. */
export class RedisServer {
  private child?: Child;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port ||= await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.child = startChild('redis-server', args, { env: process.env });
    await until(() => this.ping(), { what: 'redis-server to answer', timeoutMs: 15_000 });
    return this;
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
    this.child = undefined;
  }

  async flush(): Promise<void> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      await client.flushdb();
    } finally {
      client.disconnect();
    }
  }

  private async ping(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
