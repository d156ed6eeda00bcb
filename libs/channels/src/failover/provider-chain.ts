import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { CircuitBreaker } from './circuit-breaker';

/** A provider of a channel: its name is what the attempt log records (`smtp:host:port`, `twilio`), never a secret. */
export interface NamedProvider {
  readonly name: string;
}

export interface ChainLink<P extends NamedProvider> {
  provider: P;
  breaker: CircuitBreaker;
}

/** What a chain's send answers: the provider's result and the name of the provider that took it. */
export interface ChainResult<R> {
  result: R;
  provider: string;
}

function messageOf(error: unknown): string {
  return (error instanceof Error && error.message) || String(error);
}

/**
 * The ordered providers of one channel, each behind its circuit breaker. A send goes to the first provider whose
 * circuit admits it; a transient failure moves it on to the next within the same attempt; a permanent error ends it
 * at once (another provider would refuse the same message). When every provider failed transiently the attempt is
 * transient, and the retry path takes it from there.
 *
 * An open circuit only steers sends to the others: when every circuit is open the send still goes to the provider
 * whose cooldown ends first, so an attempt always reaches a provider and a lone provider behaves as it did
 * without a breaker.
 */
export class ProviderChain<P extends NamedProvider> {
  constructor(readonly links: ChainLink<P>[]) {
    if (!links.length) throw new Error('a provider chain needs at least one provider');
  }

  async send<R>(call: (provider: P) => Promise<R>): Promise<ChainResult<R>> {
    const failures: { provider: string; error: unknown }[] = [];
    for (const link of this.links) {
      if (!link.breaker.admit()) continue;
      const outcome = await this.try(link, call);
      if ('result' in outcome) return outcome;
      failures.push(outcome.failure);
    }
    if (!failures.length) {
      // Every circuit was open: the one closest to its probe takes the send anyway.
      const soonest = this.links.reduce((a, b) => (b.breaker.reopensAt < a.breaker.reopensAt ? b : a));
      const outcome = await this.try(soonest, call);
      if ('result' in outcome) return outcome;
      failures.push(outcome.failure);
    }
    throw this.allFailed(failures);
  }

  private async try<R>(
    { provider, breaker }: ChainLink<P>,
    call: (provider: P) => Promise<R>,
  ): Promise<ChainResult<R> | { failure: { provider: string; error: unknown } }> {
    try {
      const result = await call(provider);
      breaker.succeeded();
      return { result, provider: provider.name };
    } catch (error) {
      if (error instanceof PermanentDeliveryError) {
        breaker.succeeded();
        throw new PermanentDeliveryError(error.message, provider.name);
      }
      // Anything else counts as transient, as for a lone driver.
      breaker.failed();
      return { failure: { provider: provider.name, error } };
    }
  }

  /**
   * Every provider tried failed transiently. The message names each when there were several; the retry waits at
   * least the shortest Retry-After any of them asked for; the attempt records the last one tried.
   */
  private allFailed(failures: { provider: string; error: unknown }[]): TransientDeliveryError {
    const message =
      failures.length === 1
        ? messageOf(failures[0].error)
        : failures.map((failure) => `${failure.provider}: ${messageOf(failure.error)}`).join('; ');
    const delays = failures
      .map((failure) => (failure.error instanceof TransientDeliveryError ? failure.error.retryAfterMs : undefined))
      .filter((delay): delay is number => delay !== undefined);
    return new TransientDeliveryError(
      message,
      delays.length ? Math.min(...delays) : undefined,
      failures[failures.length - 1].provider,
    );
  }
}
