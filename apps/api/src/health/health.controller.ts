import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DeliveryQueue, HeraldConfig } from '@herald/core';
import { connect } from 'node:net';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/scopes.decorator';

type State = { status: 'up' } | { status: 'down'; error: string };

async function probe(check: () => Promise<unknown>, timeoutMs = 2000): Promise<State> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  }
}

/** The SMTP server accepts TCP connections (the worker, not the API, talks SMTP to it). */
function reachable(smtpUrl: string): Promise<void> {
  const url = new URL(smtpUrl);
  const port = Number(url.port || (url.protocol === 'smtps:' ? 465 : 587));
  return new Promise((resolve, reject) => {
    const socket = connect(port, url.hostname, () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: DeliveryQueue,
    private readonly config: HeraldConfig,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 503 only when PostgreSQL is down: without it nothing can be accepted. Queues lost in Redis are reconciled. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const smtpUrl = this.config.email.smtpUrl;
    const [postgres, queue, smtp] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(() => this.queues.ping()),
      smtpUrl ? probe(() => reachable(smtpUrl)) : Promise.resolve({ status: 'capture' as const }),
    ]);
    const ready = postgres.status === 'up';
    res.status(ready ? 200 : 503);
    return {
      status: ready ? 'ok' : 'unavailable',
      checks: { postgres, queue: { backend: this.queues.backendKind, ...queue }, smtp },
    };
  }
}
