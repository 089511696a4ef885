import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, faults, startFakeServer } from '../fakes/fake-server.js';
import { fakeDns, failure, testOutbound } from '../support/outbound.js';

let fake: FakeServer;
let t: ReturnType<typeof testOutbound>;
let api: ReturnType<typeof t.client.provider>;
beforeEach(async () => {
  fake = await startFakeServer();
  t = testOutbound({ limits: { responseBytes: 100_000, callTimeoutMs: 400 } });
  api = t.client.provider('fake', { trustedOrigins: [fake.url] });
});
afterEach(async () => {
  await t.client.close();
  await fake.close();
});

describe('outbound timeouts', () => {
  it('gives up on a server that accepts but never answers, retrying a GET each time', async () => {
    fake.failNext(3, faults.hang());
    const err = await failure(api.request({ url: `${fake.url}/hang` }));
    expect(err).toMatchObject({ kind: 'timeout', message: 'fake: call timed out' });
    expect(fake.requests).toHaveLength(3);
    expect(t.sleeps).toHaveLength(2);
  });

  it('counts the body in the call timeout: a body trickling past it times out', async () => {
    fake.failNext(
      1,
      faults.trickle(
        Array.from({ length: 100 }, () => 'x'),
        100,
      ),
    );
    const err = await failure(api.request({ url: `${fake.url}/slow`, method: 'POST', body: 'x' }));
    expect(err.kind).toBe('timeout');
  });

  it('a call may ask for a longer timeout than the provider default', async () => {
    fake.failNext(1, faults.trickle(['a', 'b', 'c'], 150));
    const res = await api.request({ url: `${fake.url}/slow`, timeoutMs: 20_000 });
    expect(res.text()).toBe('abc');
  });

  it('times out the connection itself (here: an address that never resolves at connect time)', async () => {
    // The first lookup (the early check) answers a public address; the connector's own lookup never
    // answers, so the connect timeout fires before any socket is opened.
    const dns = fakeDns({ 'slow.example.test': (n) => (n === 1 ? ['203.0.113.7'] : new Promise<string[]>(() => {})) });
    const slow = testOutbound({ resolve: dns, limits: { connectTimeoutMs: 200, callTimeoutMs: 20_000, maxAttempts: 1 } });
    try {
      const err = await failure(slow.client.provider('feeds').request({ url: 'http://slow.example.test/cal.ics' }));
      expect(err).toMatchObject({ kind: 'timeout', message: 'feeds: connect timed out' });
      expect(dns.lookups['slow.example.test']).toBe(2);
    } finally {
      await slow.client.close();
    }
  });
});

describe('outbound size cap', () => {
  it('refuses an answer whose Content-Length is above the cap', async () => {
    fake.failNext(1, faults.oversized(100_001));
    const err = await failure(api.request({ url: `${fake.url}/big` }));
    expect(err).toMatchObject({ kind: 'too_large', provider: 'fake' });
    expect(fake.requests).toHaveLength(1); // not retried
  });

  it('stops reading a chunked answer as soon as it passes the cap', async () => {
    fake.failNext(1, faults.oversized(5_000_000, { chunked: true }));
    // A generous timeout: on a loaded machine the short one of this file could fire first.
    const err = await failure(api.request({ url: `${fake.url}/big`, timeoutMs: 20_000 }));
    expect(err.kind).toBe('too_large');
  });

  it('accepts an answer of exactly the cap, and a call may lower the cap', async () => {
    fake.failNext(1, faults.oversized(100_000, { chunked: true }));
    const res = await api.request({ url: `${fake.url}/big`, timeoutMs: 20_000 });
    expect(res.body.length).toBe(100_000);
    fake.failNext(1, faults.oversized(1_001));
    const err = await failure(api.request({ url: `${fake.url}/big`, maxBytes: 1_000, timeoutMs: 20_000 }));
    expect(err.kind).toBe('too_large');
  });
});
