import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, faults, startFakeServer } from '../fakes/fake-server.js';
import { createTestApp, type TestApp } from '../support/app.js';

const TOKEN = 'outbound-metrics-token-long-enough';
let t: TestApp;
let fake: FakeServer;
beforeAll(async () => {
  t = await createTestApp({ METRICS_TOKEN: TOKEN });
  fake = await startFakeServer();
  fake.route('GET', '/ok', () => ({ body: 'ok' }));
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

/** The value of one sample line of the Prometheus text, or undefined. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('outbound metrics', () => {
  it('the app’s outbound client reports calls, failed attempts and latency per provider at /metrics', async () => {
    const api = t.app.services.outbound.provider('metrics-fake', { trustedOrigins: [fake.url], limits: { maxAttempts: 1 } });
    await api.request({ url: `${fake.url}/ok` });
    await api.request({ url: `${fake.url}/ok` });
    fake.failNext(1, faults.status(404));
    await expect(api.request({ url: `${fake.url}/ok` })).rejects.toMatchObject({ kind: 'http_status' });

    const text = (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;
    expect(sample(text, 'outbound_calls_total{provider="metrics-fake",outcome="ok"}')).toBe(2);
    expect(sample(text, 'outbound_calls_total{provider="metrics-fake",outcome="http_status"}')).toBe(1);
    expect(sample(text, 'outbound_errors_total{provider="metrics-fake",kind="http_status"}')).toBe(1);
    expect(sample(text, 'outbound_call_duration_seconds_count{provider="metrics-fake",outcome="ok"}')).toBe(2);
    expect(text).not.toContain('127.0.0.1'); // labels never carry a URL
  });
});
