import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboundError } from '../../src/server/platform/outbound/outbound-error.js';
import { type FakeServer, faults, startFakeServer } from '../fakes/fake-server.js';
import { failure, testOutbound } from '../support/outbound.js';

let fake: FakeServer;
let t: ReturnType<typeof testOutbound>;
let api: ReturnType<typeof t.client.provider>;
beforeEach(async () => {
  fake = await startFakeServer();
  fake.route('GET', '/ok', () => ({ json: { ok: true } }));
  fake.route('POST', '/ok', () => ({ json: { ok: true } }));
  t = testOutbound();
  api = t.client.provider('fake', { trustedOrigins: [fake.url] });
});
afterEach(async () => {
  await t.client.close();
  await fake.close();
});

describe('outbound retries', () => {
  it('retries a GET on 503 and waits exactly what Retry-After (seconds) asks', async () => {
    fake.failNext(2, faults.status(503, { retryAfter: '2' }));
    const res = await api.request({ url: `${fake.url}/ok` });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(fake.requests).toHaveLength(3);
    expect(t.sleeps).toEqual([2000, 2000]);
  });

  it('honours Retry-After given as an HTTP date, against the injected clock', async () => {
    fake.failNext(1, faults.status(429, { retryAfter: new Date(t.now() + 5_000).toUTCString() }));
    const res = await api.request({ url: `${fake.url}/ok` });
    expect(res.status).toBe(200);
    expect(t.sleeps).toEqual([5000]);
  });

  it('backs off exponentially with full jitter when the server names no wait', async () => {
    fake.failNext(2, faults.status(500));
    await api.request({ url: `${fake.url}/ok` });
    // random() is 0.5: half of 250 ms, then half of 500 ms.
    expect(t.sleeps).toEqual([125, 250]);
    expect(fake.requests).toHaveLength(3);
  });

  it('stops at maxAttempts and reports the last status with its body', async () => {
    fake.failNext(10, faults.status(502, { body: 'bad gateway' }));
    const err = await failure(api.request({ url: `${fake.url}/ok` }));
    expect(err).toBeInstanceOf(OutboundError);
    expect(err.kind).toBe('http_status');
    expect(err.status).toBe(502);
    expect(err.body?.toString()).toBe('bad gateway');
    expect(fake.requests).toHaveLength(3);
    expect(t.sleeps).toHaveLength(2);
  });

  it('does not retry when Retry-After passes the total wait cap, and hands the wait to the caller', async () => {
    fake.failNext(1, faults.status(503, { retryAfter: '120' }));
    const err = await failure(api.request({ url: `${fake.url}/ok` }));
    expect(err.kind).toBe('http_status');
    expect(err.retryAfterMs).toBe(120_000);
    expect(fake.requests).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });

  it('never retries a POST unless the caller says it is retry-safe', async () => {
    fake.failNext(1, faults.status(503, { retryAfter: '1' }));
    const err = await failure(api.request({ url: `${fake.url}/ok`, method: 'POST', body: '{}' }));
    expect(err.status).toBe(503);
    expect(fake.requests).toHaveLength(1);

    fake.failNext(1, faults.status(503, { retryAfter: '1' }));
    const res = await api.request({ url: `${fake.url}/ok`, method: 'POST', body: '{"a":1}', retrySafe: true });
    expect(res.status).toBe(200);
    expect(fake.requests.slice(1).map((r) => r.text)).toEqual(['{"a":1}', '{"a":1}']);
  });

  it('does not retry a client error other than 429', async () => {
    fake.failNext(1, faults.status(400));
    const err = await failure(api.request({ url: `${fake.url}/ok` }));
    expect(err.status).toBe(400);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a GET after a reset connection', async () => {
    fake.failNext(1, faults.reset());
    const res = await api.request({ url: `${fake.url}/ok` });
    expect(res.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
  });

  it('does not resend a POST the server may have received, but does when the connection was refused', async () => {
    fake.failNext(1, faults.reset());
    const reset = await failure(api.request({ url: `${fake.url}/ok`, method: 'POST', body: 'x' }));
    expect(reset.kind).toBe('network');
    expect(fake.requests).toHaveLength(1);

    const closed = await startFakeServer();
    await closed.close();
    const refusedClient = t.client.provider('closed', { trustedOrigins: [closed.url] });
    const refused = await failure(refusedClient.request({ url: `${closed.url}/ok`, method: 'POST', body: 'x' }));
    expect(refused.kind).toBe('network');
    expect(refused.message).toContain('ECONNREFUSED');
    expect(t.sleeps).toHaveLength(2); // both retries of the refused POST, none for the reset one
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    fake.failNext(1, faults.hang());
    const controller = new AbortController();
    const call = failure(api.request({ url: `${fake.url}/ok`, signal: controller.signal }));
    await fake.waitForRequests(1);
    const reason = new Error('the user left');
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(fake.requests).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });
});
