import { connect } from 'node:net';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HeraldConfig } from '../config/herald-config';
import { DeliveryQueue } from '../queue/delivery-queue';
import type { QueueBackend } from '../queue/queue-backend';
import { within } from '../runtime/within';

/** How long each check may take before it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;

export type CheckState = { status: 'up' } | { status: 'down'; error: string };

/** What `GET /health/ready` answers. */
export interface Readiness {
  /** True when PostgreSQL answers: without it nothing can be accepted. */
  ready: boolean;
  checks: {
    postgres: CheckState;
    /** A queue store that is down does not make Herald unready: queues lost in Redis are reconciled from PostgreSQL. */
    queue: CheckState & { backend: QueueBackend['kind'] };
    /** `capture`: no SMTP_URL, email is captured instead of sent. */
    smtp: CheckState | { status: 'capture' };
  };
}

async function probe(check: () => Promise<unknown>, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckState> {
  try {
    await within(check(), timeoutMs);
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

/** The readiness checks: a round trip to PostgreSQL and to the queue store, and a TCP connect to the SMTP server. */
@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: DeliveryQueue,
    private readonly config: HeraldConfig,
  ) {}

  async readiness(): Promise<Readiness> {
    const smtpUrl = this.config.email.smtpUrl;
    const [postgres, queue, smtp] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(() => this.queues.ping()),
      smtpUrl ? probe(() => reachable(smtpUrl)) : Promise.resolve({ status: 'capture' as const }),
    ]);
    return {
      ready: postgres.status === 'up',
      checks: { postgres, queue: { backend: this.queues.backendKind, ...queue }, smtp },
    };
  }
}
