export type CircuitState = 'closed' | 'open' | 'half_open';

export const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];

export interface CircuitSettings {
  /** Consecutive transient failures that open the circuit. */
  failures: number;
  /** How long an open circuit keeps sends away before it lets one probe through. */
  cooldownMs: number;
}

/**
 * One provider's circuit breaker, in this process only (every worker learns on its own; nothing is shared).
 *
 * closed: every send goes through; `failures` consecutive transient failures open it.
 * open: sends skip the provider until the cooldown has passed; then the next one is the probe (half-open).
 * half_open: the probe is in flight and no other send goes through; its success closes the circuit, its
 * failure opens it for another cooldown.
 *
 * Any answer that shows the provider working (a success, or a permanent refusal of one message such as a bad
 * address) closes it; only transient failures count against it.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;

  constructor(
    private readonly settings: CircuitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** When an open circuit lets its probe through (ms since the epoch); 0 unless open. */
  get reopensAt(): number {
    return this.current === 'open' ? this.openedAt + this.settings.cooldownMs : 0;
  }

  /**
   * Whether a send may go to the provider now. Past the cooldown of an open circuit the caller's send becomes the
   * probe: call this only when the send follows, and report its end with `succeeded` or `failed`.
   */
  admit(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'half_open') return false;
    if (this.now() < this.reopensAt) return false;
    this.current = 'half_open';
    return true;
  }

  /** The provider answered: a success, or a permanent refusal that says it is up. */
  succeeded(): void {
    this.current = 'closed';
    this.consecutiveFailures = 0;
  }

  /** A transient failure: counts towards opening a closed circuit, and opens again a probing or open one. */
  failed(): void {
    this.consecutiveFailures++;
    if (this.current === 'closed' && this.consecutiveFailures < this.settings.failures) return;
    this.current = 'open';
    this.openedAt = this.now();
  }
}
