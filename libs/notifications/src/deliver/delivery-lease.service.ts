import { Injectable, Logger } from '@nestjs/common';
import { HeraldConfig } from '@herald/core';
import { DeliveryRepository } from './delivery.repository';

/** A claimed delivery, as its lease knows it: the attempt fences the renewal. */
export interface HeldDelivery {
  id: string;
  attempt: number;
}

/**
 * The heartbeat of the deliveries this process is sending: while any is held,
 * every third of DELIVERY_SENDING_LEASE_MS one statement renews all their
 * leases. A live send, however slow its provider, so keeps its lease; a worker
 * that dies stops renewing, and its deliveries are taken over once the lease ends.
 */
@Injectable()
export class DeliveryLeaseService {
  private readonly logger = new Logger(DeliveryLeaseService.name);
  private readonly held = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private renewing = false;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly config: HeraldConfig,
  ) {}

  hold(delivery: HeldDelivery): void {
    this.held.set(delivery.id, delivery.attempt);
    this.timer ??= setInterval(() => void this.renew(), Math.floor(this.config.delivery.sendingLeaseMs / 3));
  }

  release(delivery: HeldDelivery): void {
    if (this.held.get(delivery.id) === delivery.attempt) this.held.delete(delivery.id);
    if (!this.held.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** One renewal; a failure (PostgreSQL unreachable) is logged, and the next beat tries again. */
  private async renew(): Promise<void> {
    // A renewal slower than the beat is not doubled up: the one running still extends every lease.
    if (this.renewing || !this.held.size) return;
    this.renewing = true;
    try {
      const held = [...this.held].map(([id, attempt]) => ({ id, attempt }));
      await this.deliveries.renewLeases(held, this.config.delivery.sendingLeaseMs);
    } catch (error) {
      this.logger.warn(`renewing ${this.held.size} delivery leases failed: ${(error as Error).message}`);
    } finally {
      this.renewing = false;
    }
  }
}
