import { BmcCircuitStatus } from '@beskar7/backstage-plugin-beskar7-common';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker refuses calls before letting one probe through. */
  openMs: number;
  now?: () => number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = {
  failureThreshold: 5,
  openMs: 30_000,
};

/**
 * Per-BMC circuit breaker. Closed: calls go through. Open: calls fail at once
 * until `openMs` has passed. Half-open: one probe goes through; its success
 * closes the breaker, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt?: number;
  private probeInFlight = false;
  private lastError?: string;
  private readonly now: () => number;

  constructor(
    readonly address: string,
    private readonly options: CircuitBreakerOptions = DEFAULT_CIRCUIT_BREAKER,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Asks to make a call. Returns false when the call must not be made; the
   * caller then fails fast with `retryAt()`.
   */
  tryAcquire(): boolean {
    const state = this.state();
    if (state === 'closed') {
      return true;
    }
    if (state === 'half-open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return true;
    }
    return false;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probeInFlight = false;
    this.lastError = undefined;
  }

  recordFailure(reason: string): void {
    this.failures += 1;
    this.lastError = reason;
    if (this.probeInFlight || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
    }
    this.probeInFlight = false;
  }

  /** Gives back a probe slot when the call ended without telling anything about the BMC. */
  release(): void {
    this.probeInFlight = false;
  }

  retryAt(): Date {
    return new Date((this.openedAt ?? this.now()) + this.options.openMs);
  }

  state(): BmcCircuitStatus['state'] {
    if (this.openedAt === undefined) {
      return 'closed';
    }
    return this.now() - this.openedAt >= this.options.openMs
      ? 'half-open'
      : 'open';
  }

  status(): BmcCircuitStatus {
    const state = this.state();
    return {
      address: this.address,
      state,
      consecutiveFailures: this.failures,
      openedAt:
        this.openedAt === undefined
          ? undefined
          : new Date(this.openedAt).toISOString(),
      nextProbeAt: state === 'open' ? this.retryAt().toISOString() : undefined,
      lastError: this.lastError,
    };
  }
}
