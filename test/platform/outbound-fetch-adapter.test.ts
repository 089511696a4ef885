import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchThrough } from '../../src/server/platform/outbound/fetch-adapter.js';
import { OutboundError } from '../../src/server/platform/outbound/outbound-error.js';
import { type FakeServer, faults, startFakeServer } from '../fakes/fake-server.js';
import { testOutbound } from '../support/outbound.js';

let fake: FakeServer;
let t: ReturnType<typeof testOutbound>;
beforeEach(async () => {
  fake = await startFakeServer();
  fake.route('POST', '/v1/echo', (req) => ({
    status: 201,
    headers: { 'x-seen': String(req.headers['x-key'] ?? '') },
    json: JSON.parse(req.text),
  }));
  fake.route('GET', '/empty', () => ({ status: 204 }));
  t = testOutbound();
});
afterEach(async () => {
  await t.client.close();
  await fake.close();
});

describe('fetch through the outbound client', () => {
  it('sends method, headers and body, and answers status, headers and body', async () => {
    const fetch = fetchThrough(t.client.provider('sdk', { trustedOrigins: [fake.url] }));
    const res = await fetch(`${fake.url}/v1/echo`, {
      method: 'POST',
      headers: { 'x-key': 'k1', 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'é✓' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-seen')).toBe('k1');
    expect(await res.json()).toEqual({ a: 'é✓' });
    expect((await fetch(`${fake.url}/empty`)).status).toBe(204);
  });

  it('retries a POST only when told it is safe, and hands the final error status to the SDK', async () => {
    const once = fetchThrough(t.client.provider('sdk-once', { trustedOrigins: [fake.url] }));
    fake.failNext(1, faults.status(503, { body: '{"error":"busy"}' }));
    const res = await once(`${fake.url}/v1/echo`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('{"error":"busy"}');
    expect(fake.requests).toHaveLength(1);

    const safe = fetchThrough(t.client.provider('sdk-safe', { trustedOrigins: [fake.url] }), { retrySafe: true });
    fake.failNext(1, faults.status(429, { retryAfter: '3' }));
    const retried = await safe(`${fake.url}/v1/echo`, { method: 'POST', body: '{"b":1}' });
    expect(retried.status).toBe(201);
    expect(t.sleeps).toContain(3000);
  });

  it('rejects with the OutboundError when nothing answers', async () => {
    const fetch = fetchThrough(t.client.provider('sdk-down', { trustedOrigins: [fake.url] }));
    const url = `${fake.url}/v1/echo`;
    await fake.close();
    await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(OutboundError);
    fake = await startFakeServer();
  });
});
