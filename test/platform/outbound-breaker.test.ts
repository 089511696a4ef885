import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundError } from '../../src/server/platform/outbound/outbound-error.js';
import { type FakeServer, faults, startFakeServer } from '../fakes/fake-server.js';
import { failure, testOutbound } from '../support/outbound.js';

let fake: FakeServer;
let t: ReturnType<typeof testOutbound>;
let api: ReturnType<typeof t.client.provider>;
beforeEach(async () => {
  fake = await startFakeServer();
  fake.route('GET', '/ok', () => ({ body: 'ok' }));
  // One attempt per call, so each call is one attempt the breaker counts.
  t = testOutbound({ limits: { maxAttempts: 1, breakerFailures: 3, breakerCooldownMs: 10_000 } });
  api = t.client.provider('fake', { trustedOrigins: [fake.url] });
});
afterEach(async () => {
  await t.client.close();
  await fake.close();
});

const call = () =>
  api.request({ url: `${fake.url}/ok` }).then(
    (res) => res.status,
    (err: OutboundError) => err.kind,
  );

async function openTheBreaker() {
  fake.failNext(3, faults.status(500));
  expect([await call(), await call(), await call()]).toEqual(['http_status', 'http_status', 'http_status']);
}

describe('outbound circuit breaker', () => {
  it('opens after N consecutive failures and then fails fast without calling', async () => {
    await openTheBreaker();
    const err = await failure(api.request({ url: `${fake.url}/ok` }));
    expect(err).toMatchObject({ kind: 'circuit_open', provider: 'fake', retryAfterMs: 10_000 });
    expect(fake.requests).toHaveLength(3);
    t.advance(9_999);
    expect(await call()).toBe('circuit_open');
    expect(fake.requests).toHaveLength(3);
  });

  it('lets one probe through after the cool-down; its success closes the breaker', async () => {
    await openTheBreaker();
    t.advance(10_000);
    expect(await call()).toBe(200);
    expect(await call()).toBe(200);
    expect(fake.requests).toHaveLength(5);
  });

  it('opens again for a whole cool-down when the probe fails', async () => {
    await openTheBreaker();
    t.advance(10_000);
    fake.failNext(1, faults.status(503));
    expect(await call()).toBe('http_status');
    expect(await call()).toBe('circuit_open');
    t.advance(9_999);
    expect(await call()).toBe('circuit_open');
    expect(fake.requests).toHaveLength(4);
    t.advance(1);
    expect(await call()).toBe(200);
  });

  it('lets only one probe at a time while half-open', async () => {
    await openTheBreaker();
    t.advance(10_000);
    let release = () => {};
    fake.route('GET', '/slow', () => new Promise((resolve) => (release = () => resolve({ body: 'late' }))));
    const probe = api.request({ url: `${fake.url}/slow` });
    await fake.waitForRequests(4);
    expect(await call()).toBe('circuit_open');
    release();
    expect((await probe).text()).toBe('late');
    expect(await call()).toBe(200);
  });

  it('counts timeouts and network errors, not client errors, and a success resets the count', async () => {
    fake.failNext(2, faults.status(500));
    fake.failNext(1, faults.status(404));
    fake.failNext(2, faults.reset());
    const kinds = [];
    for (let i = 0; i < 5; i++) kinds.push(await call());
    expect(kinds).toEqual(['http_status', 'http_status', 'http_status', 'network', 'network']);
    expect(await call()).toBe(200); // 404 was a success for the breaker: only 2 failures since
    fake.failNext(3, faults.reset());
    for (let i = 0; i < 3; i++) await call();
    expect(await call()).toBe('circuit_open');
  });

  it('keeps one breaker per provider', async () => {
    const other = t.client.provider('other', { trustedOrigins: [fake.url] });
    await openTheBreaker();
    expect((await other.request({ url: `${fake.url}/ok` })).status).toBe(200);
    expect(() => t.client.provider('fake')).toThrow('already defined');
  });
});
