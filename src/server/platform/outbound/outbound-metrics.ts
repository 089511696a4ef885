import { Counter, Histogram } from 'prom-client';

/**
 * The outbound client's metrics, made without a registry: `createMetrics` (platform/metrics.ts)
 * registers them in the app's one registry. Labels name the provider, never a URL or host.
 */
export function createOutboundMetrics() {
  const calls = new Counter({
    name: 'outbound_calls_total',
    help: 'Outbound calls by provider and outcome (ok, or the error kind), retries and redirects included in one call',
    labelNames: ['provider', 'outcome'] as const,
    registers: [],
  });
  const errors = new Counter({
    name: 'outbound_errors_total',
    help: 'Failed outbound attempts by provider and error kind, each retry counted',
    labelNames: ['provider', 'kind'] as const,
    registers: [],
  });
  const duration = new Histogram({
    name: 'outbound_call_duration_seconds',
    help: 'Outbound call latency by provider and outcome, retries and waits included',
    labelNames: ['provider', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [],
  });
  return {
    all: [calls, errors, duration],
    callDone(provider: string, outcome: string, seconds: number) {
      calls.inc({ provider, outcome });
      duration.observe({ provider, outcome }, seconds);
    },
    attemptFailed(provider: string, kind: string) {
      errors.inc({ provider, kind });
    },
  };
}

export type OutboundMetrics = ReturnType<typeof createOutboundMetrics>;
