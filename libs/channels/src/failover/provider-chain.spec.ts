import { describe, expect, it } from 'vitest';
import { PermanentDeliveryError, TransientDeliveryError } from '../channels.errors';
import { CircuitBreaker } from './circuit-breaker';
import { ProviderChain } from './provider-chain';

type Behaviour = 'ok' | 'transient' | 'permanent' | 'throws';

/** A provider that answers as told and counts its calls. */
class FakeProvider {
  calls = 0;
  constructor(
    readonly name: string,
    public behaviour: Behaviour = 'ok',
    private readonly retryAfterMs?: number,
  ) {}

  send(): Promise<string> {
    this.calls++;
    if (this.behaviour === 'transient') {
      return Promise.reject(new TransientDeliveryError(`${this.name} is busy`, this.retryAfterMs));
    }
    if (this.behaviour === 'permanent') return Promise.reject(new PermanentDeliveryError('no such mailbox'));
    if (this.behaviour === 'throws') return Promise.reject(new Error('socket hang up'));
    return Promise.resolve(`id-from-${this.name}`);
  }
}

function chainOf(providers: FakeProvider[], failures = 2, cooldownMs = 1000) {
  const clock = { now: 0 };
  const links = providers.map((provider) => ({
    provider,
    breaker: new CircuitBreaker({ failures, cooldownMs }, () => clock.now),
  }));
  return { clock, links, chain: new ProviderChain(links) };
}

const send = (provider: FakeProvider) => provider.send();

describe('ProviderChain', () => {
  it('sends through the first provider and names it', async () => {
    const a = new FakeProvider('a');
    const b = new FakeProvider('b');
    await expect(chainOf([a, b]).chain.send(send)).resolves.toEqual({ result: 'id-from-a', provider: 'a' });
    expect([a.calls, b.calls]).toEqual([1, 0]);
  });

  it('moves on to the next provider on a transient failure, within the same send', async () => {
    const a = new FakeProvider('a', 'transient');
    const b = new FakeProvider('b');
    await expect(chainOf([a, b]).chain.send(send)).resolves.toEqual({ result: 'id-from-b', provider: 'b' });
    expect([a.calls, b.calls]).toEqual([1, 1]);
  });

  it('counts an unknown error as transient', async () => {
    const a = new FakeProvider('a', 'throws');
    const b = new FakeProvider('b');
    await expect(chainOf([a, b]).chain.send(send)).resolves.toMatchObject({ provider: 'b' });
  });

  it('does not fail over on a permanent error, and names the provider that refused', async () => {
    const a = new FakeProvider('a', 'permanent');
    const b = new FakeProvider('b');
    const error = await chainOf([a, b])
      .chain.send(send)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({ message: 'no such mailbox', provider: 'a' });
    expect(b.calls).toBe(0);
  });

  it('is transient when every provider failed transiently, naming each, the last tried and the shortest Retry-After', async () => {
    const a = new FakeProvider('a', 'transient', 30_000);
    const b = new FakeProvider('b', 'transient', 5_000);
    const c = new FakeProvider('c', 'throws');
    const error = await chainOf([a, b, c])
      .chain.send(send)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(error).toMatchObject({
      message: 'a: a is busy; b: b is busy; c: socket hang up',
      provider: 'c',
      retryAfterMs: 5_000,
    });
  });

  it('keeps the message as it was with a lone provider', async () => {
    const a = new FakeProvider('a', 'transient');
    await expect(chainOf([a]).chain.send(send)).rejects.toMatchObject({ message: 'a is busy', provider: 'a' });
  });

  it('skips a provider whose circuit is open, and probes it after the cooldown', async () => {
    const a = new FakeProvider('a', 'transient');
    const b = new FakeProvider('b');
    const { chain, clock, links } = chainOf([a, b], 2, 1000);
    await chain.send(send);
    await chain.send(send);
    expect(links[0].breaker.state).toBe('open');
    expect(a.calls).toBe(2);

    await expect(chain.send(send)).resolves.toMatchObject({ provider: 'b' });
    await chain.send(send);
    expect(a.calls).toBe(2);

    clock.now += 1000;
    a.behaviour = 'ok';
    await expect(chain.send(send)).resolves.toMatchObject({ provider: 'a' });
    expect(a.calls).toBe(3);
    expect(links[0].breaker.state).toBe('closed');
  });

  it('still tries a provider when every circuit is open: the one whose cooldown ends first', async () => {
    const a = new FakeProvider('a', 'transient');
    const b = new FakeProvider('b', 'transient');
    const { chain, clock, links } = chainOf([a, b], 1, 1000);
    await chain.send(send).catch(() => undefined);
    expect(links.map((link) => link.breaker.state)).toEqual(['open', 'open']);

    clock.now += 100;
    // A send that started before b opened fails now: b's cooldown starts again and ends after a's.
    links[1].breaker.failed();
    b.behaviour = 'ok';
    a.behaviour = 'ok';
    await expect(chain.send(send)).resolves.toMatchObject({ provider: 'a' });
    expect([a.calls, b.calls]).toEqual([2, 1]);
    expect(links[0].breaker.state).toBe('closed');
  });

  it('a permanent refusal closes the circuit: the provider answered', async () => {
    const a = new FakeProvider('a', 'transient');
    const { chain, clock, links } = chainOf([a, new FakeProvider('b')], 1, 1000);
    await chain.send(send);
    clock.now += 1000;
    a.behaviour = 'permanent';
    await expect(chain.send(send)).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(links[0].breaker.state).toBe('closed');
  });
});
