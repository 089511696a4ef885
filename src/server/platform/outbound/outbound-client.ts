import type net from 'node:net';
import type { Agent, Dispatcher } from 'undici';
import { LIMITS } from '../limits.js';
import { createOutboundMetrics } from './outbound-metrics.js';
import { createProviderClient, type OutboundLimits, type OutboundProvider } from './provider-client.js';
import { sleep as realSleep } from './retry.js';
import { guardedLookup, type Resolve, systemResolve } from './ssrf-guard.js';

export type OutboundClientDeps = {
  /** Replaces `LIMITS.outbound` values for every provider (tests shrink timeouts and waits). */
  limits?: Partial<OutboundLimits>;
  /** DNS for user-supplied URLs (tests answer with "public" or private addresses without a DNS server). */
  resolve?: Resolve;
  /** Milliseconds since the epoch: the breakers' clock and the reference for Retry-After dates. */
  now?: () => number;
  /** The wait between attempts; tests record the delay instead of waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
};

export type ProviderOptions = {
  /**
   * Origins the operator configured for this provider (the LLM base URL, Google's API base URL):
   * reached directly, loopback included, so tests point them at fakes on 127.0.0.1. Any other
   * URL, a user-supplied one or a redirect elsewhere, goes through the SSRF-safe mode. A provider
   * for user-supplied URLs (calendar subscriptions) has none.
   */
  trustedOrigins?: readonly string[];
  limits?: Partial<OutboundLimits>;
};

/**
 * The one outbound HTTP client of the process: every call MindfulCRM makes to another server goes
 * through a provider made here. Created once (createServices) and injected; `metrics` is
 * registered by createMetrics in the app's registry; `close()` ends its connections.
 */
export function createOutboundClient(deps: OutboundClientDeps = {}) {
  const metrics = createOutboundMetrics();
  const agents: Agent[] = [];
  const names = new Set<string>();
  const resolve = deps.resolve ?? systemResolve;

  /** A connection pool made at its first call: undici is loaded only by a process that calls out. */
  function agent(limits: OutboundLimits, lookup?: net.LookupFunction): () => Promise<Dispatcher> {
    let made: Promise<Agent> | undefined;
    return () =>
      (made ??= import('undici').then(({ Agent }) => {
        const pool = new Agent({
          connect: { timeout: limits.connectTimeoutMs, ...(lookup ? { lookup } : {}) },
          headersTimeout: limits.callTimeoutMs,
          bodyTimeout: limits.callTimeoutMs,
        });
        agents.push(pool);
        return pool;
      }));
  }

  return {
    metrics: metrics.all,
    /** A named provider (its name labels metrics and errors); each name once per process. */
    provider(name: string, options: ProviderOptions = {}): OutboundProvider {
      if (names.has(name)) throw new Error(`outbound provider ${name} is already defined`);
      names.add(name);
      const limits: OutboundLimits = { ...LIMITS.outbound, ...deps.limits, ...options.limits };
      return createProviderClient({
        name,
        limits,
        trustedOrigins: new Set((options.trustedOrigins ?? []).map((o) => new URL(o).origin)),
        trustedAgent: agent(limits),
        guardedAgent: agent(limits, guardedLookup(resolve) as net.LookupFunction),
        metrics,
        resolve,
        now: deps.now ?? Date.now,
        sleep: deps.sleep ?? realSleep,
        random: deps.random ?? Math.random,
      });
    },
    async close(): Promise<void> {
      await Promise.all(agents.map((a) => a.close()));
    },
  };
}
