import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';

function breaker(failures = 3, cooldownMs = 1000) {
  const clock = { now: 10_000 };
  return { clock, breaker: new CircuitBreaker({ failures, cooldownMs }, () => clock.now) };
}

describe('CircuitBreaker', () => {
  it('starts closed and admits every send', () => {
    const { breaker: b } = breaker();
    expect(b.state).toBe('closed');
    expect([b.admit(), b.admit(), b.admit()]).toEqual([true, true, true]);
    expect(b.reopensAt).toBe(0);
  });

  it('opens after the configured number of consecutive transient failures, and refuses sends', () => {
    const { breaker: b, clock } = breaker(3, 1000);
    b.failed();
    b.failed();
    expect(b.state).toBe('closed');
    b.failed();
    expect(b.state).toBe('open');
    expect(b.reopensAt).toBe(clock.now + 1000);
    expect(b.admit()).toBe(false);
  });

  it('counts only consecutive failures: an answer in between starts the count again', () => {
    const { breaker: b } = breaker(3);
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.state).toBe('closed');
    b.failed();
    expect(b.state).toBe('open');
  });

  it('lets exactly one probe through once the cooldown has passed (half-open)', () => {
    const { breaker: b, clock } = breaker(1, 1000);
    b.failed();
    clock.now += 999;
    expect(b.admit()).toBe(false);
    clock.now += 1;
    expect(b.admit()).toBe(true);
    expect(b.state).toBe('half_open');
    // The probe is in flight: nobody else goes through meanwhile.
    expect(b.admit()).toBe(false);
  });

  it('closes when the probe succeeds', () => {
    const { breaker: b, clock } = breaker(2, 1000);
    b.failed();
    b.failed();
    clock.now += 1000;
    expect(b.admit()).toBe(true);
    b.succeeded();
    expect(b.state).toBe('closed');
    expect(b.admit()).toBe(true);
    // Closed again with a fresh count: one failure does not reopen it.
    b.failed();
    expect(b.state).toBe('closed');
  });

  it('opens for another cooldown when the probe fails', () => {
    const { breaker: b, clock } = breaker(1, 1000);
    b.failed();
    clock.now += 1500;
    expect(b.admit()).toBe(true);
    b.failed();
    expect(b.state).toBe('open');
    expect(b.reopensAt).toBe(clock.now + 1000);
    expect(b.admit()).toBe(false);
    clock.now += 1000;
    expect(b.admit()).toBe(true);
  });

  it('a failure while open (a send started before it opened) restarts the cooldown', () => {
    const { breaker: b, clock } = breaker(1, 1000);
    b.failed();
    clock.now += 600;
    b.failed();
    expect(b.state).toBe('open');
    expect(b.reopensAt).toBe(clock.now + 1000);
  });

  it('a success while open (a send started before it opened) closes it', () => {
    const { breaker: b } = breaker(1);
    b.failed();
    b.succeeded();
    expect(b.state).toBe('closed');
  });
});
