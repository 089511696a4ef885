type BreakerOptions = {
  /** Consecutive failed attempts that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe is let through. */
  cooldownMs: number;
  now: () => number;
};

/** What became of an attempt the breaker let through. */
type AttemptOutcome = 'success' | 'failure' | 'neutral';

/**
 * A breaker for one destination. Closed: every attempt goes. After `failureThreshold` consecutive
 * failures it opens: attempts are refused until `cooldownMs` has passed; then it is half-open and
 * lets exactly one probe through. The probe's success closes it, its failure opens it again.
 */
export function createCircuitBreaker(options: BreakerOptions) {
  let state: 'closed' | 'open' = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  return {
    /**
     * Asks to send one attempt: the ms left until a probe is allowed when refused, otherwise 0 and a
     * `settle` to call with the attempt's outcome.
     */
    acquire(): { refusedForMs: number; settle: (outcome: AttemptOutcome) => void } {
      if (state === 'open') {
        const left = openedAt + options.cooldownMs - options.now();
        if (left > 0 || probing) return { refusedForMs: Math.max(left, 1), settle: () => {} };
        probing = true;
        return { refusedForMs: 0, settle: (outcome) => settleProbe(outcome) };
      }
      return { refusedForMs: 0, settle: (outcome) => settleClosed(outcome) };
    },
  };

  function open() {
    state = 'open';
    openedAt = options.now();
  }
  function settleClosed(outcome: AttemptOutcome) {
    if (state !== 'closed') return; // another attempt already opened it
    if (outcome === 'success') failures = 0;
    else if (outcome === 'failure' && ++failures >= options.failureThreshold) open();
  }
  function settleProbe(outcome: AttemptOutcome) {
    probing = false;
    if (outcome === 'success') {
      state = 'closed';
      failures = 0;
    } else if (outcome === 'failure') open();
    // neutral (the probe never reached the server): the next caller may probe.
  }
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
