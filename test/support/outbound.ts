import { createOutboundClient, type OutboundClientDeps } from '../../src/server/platform/outbound/outbound-client.js';
import type { OutboundError } from '../../src/server/platform/outbound/outbound-error.js';
import type { ResolvedAddress } from '../../src/server/platform/outbound/ssrf-guard.js';

/**
 * An outbound client for tests: waits between attempts are recorded instead of slept, the clock
 * only moves when the test says so, jitter is fixed at half its range, and DNS is the test's
 * (`dns`) so no query leaves the machine. Close it in afterEach.
 */
export function testOutbound(deps: OutboundClientDeps = {}) {
  const sleeps: number[] = [];
  let nowMs = Date.parse('2026-06-01T12:00:00Z');
  const client = createOutboundClient({
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => nowMs,
    random: () => 0.5,
    resolve: fakeDns({}),
    ...deps,
    limits: { connectTimeoutMs: 2_000, callTimeoutMs: 5_000, ...deps.limits },
  });
  return {
    client,
    /** Every wait the retries asked for, in ms. */
    sleeps,
    now: () => nowMs,
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

const toAnswer = (address: string): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 });

/**
 * A DNS for tests: each name answers its list of addresses, or, given a function, whatever it
 * returns on each lookup (a rebinding DNS answers differently the second time). Unknown names fail
 * like a missing domain. `lookups` counts the questions per name.
 */
export function fakeDns(records: Record<string, string[] | ((n: number) => string[] | Promise<string[]>)>) {
  const lookups: Record<string, number> = {};
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    const n = (lookups[hostname] = (lookups[hostname] ?? 0) + 1);
    const record = records[hostname];
    if (!record) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    const addresses = typeof record === 'function' ? await record(n) : record;
    return addresses.map(toAnswer);
  };
  return Object.assign(resolve, { lookups });
}

/** The error a call failed with; fails the test if the call succeeded. */
export function failure(promise: Promise<unknown>): Promise<OutboundError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err as OutboundError,
  );
}
