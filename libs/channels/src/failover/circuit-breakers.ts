import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Channel, HeraldConfig, MetricsService } from '@herald/core';
import { CIRCUIT_STATES, CircuitBreaker } from './circuit-breaker';
import { NamedProvider, ProviderChain } from './provider-chain';

/**
 * The circuit breakers of this process, one per provider, and their gauge on /metrics. Each worker process keeps
 * its own: a provider failing is learnt by every worker within its first few sends, which costs less than sharing
 * the state through PostgreSQL or Redis on every send.
 */
@Injectable()
export class CircuitBreakers {
  private readonly breakers: { channel: Channel; provider: string; breaker: CircuitBreaker }[] = [];

  constructor(
    private readonly config: HeraldConfig,
    metrics: MetricsService,
  ) {
    const breakers = this.breakers;
    new Gauge({
      name: 'herald_provider_circuit_state',
      help: "Each provider's circuit breaker in this process: 1 for its current state (closed, open, half_open), 0 for the others.",
      labelNames: ['channel', 'provider', 'state'] as const,
      registers: [metrics.registry],
      collect() {
        for (const { channel, provider, breaker } of breakers) {
          for (const state of CIRCUIT_STATES) this.set({ channel, provider, state }, breaker.state === state ? 1 : 0);
        }
      },
    });
  }

  /** The channel's providers in order, each behind a breaker of its own. */
  chain<P extends NamedProvider>(channel: Channel, providers: P[]): ProviderChain<P> {
    return new ProviderChain(
      providers.map((provider) => {
        const breaker = new CircuitBreaker(this.config.circuit);
        this.breakers.push({ channel, provider: provider.name, breaker });
        return { provider, breaker };
      }),
    );
  }
}
