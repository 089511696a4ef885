import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, faults, startFakeServer } from './fake-server.js';

/** A plain node:http client, so the kit is checked independently of the outbound client. */
function get(url: string, options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('body cut')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.end(options.body);
  });
}

let fake: FakeServer;
beforeEach(async () => {
  fake = await startFakeServer();
});
afterEach(async () => {
  await fake.close();
});

describe('fake server kit', () => {
  it('listens on loopback and records method, path, query, headers and body', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    fake.route('POST', '/v1/things', (req) => ({ status: 201, json: { echoed: req.text } }));
    const res = await get(`${fake.url}/v1/things?a=1&b=two`, { method: 'POST', body: 'hello', headers: { 'x-test': 'yes' } });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({ echoed: 'hello' });
    expect(fake.requests).toHaveLength(1);
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/things', query: { a: '1', b: 'two' }, text: 'hello' });
    expect(recorded?.headers['x-test']).toBe('yes');
  });

  it('answers 404 on an unknown route and still records it', async () => {
    const res = await get(`${fake.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(fake.requests.map((r) => r.path)).toEqual(['/nowhere']);
  });

  it('serves queued faults first, in order, then the routes again', async () => {
    fake.route('GET', '/x', () => ({ body: 'fine' }));
    fake.failNext(2, faults.status(503, { retryAfter: '7' }));
    fake.failNext(1, faults.status(429));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get(`${fake.url}/x`));
    expect(answers.map((a) => a.status)).toEqual([503, 503, 429, 200]);
    expect(answers[0]?.headers['retry-after']).toBe('7');
    expect(answers[2]?.headers['retry-after']).toBeUndefined();
    expect(answers[3]?.body).toBe('fine');
  });

  it('hangs without answering until the client gives up', async () => {
    fake.failNext(1, faults.hang());
    await expect(get(`${fake.url}/slow`, { timeoutMs: 200 })).rejects.toThrow('client timeout');
    expect(fake.requests).toHaveLength(1);
  });

  it('injects latency on every answer', async () => {
    fake.route('GET', '/x', () => ({ body: 'late' }));
    fake.setLatency(30_000);
    await expect(get(`${fake.url}/x`, { timeoutMs: 300 })).rejects.toThrow('client timeout');
    fake.setLatency(0);
    expect((await get(`${fake.url}/x`)).body).toBe('late');
  });

  it('resets the connection', async () => {
    fake.failNext(1, faults.reset());
    await expect(get(`${fake.url}/x`)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('cuts the connection in the middle of a body', async () => {
    fake.failNext(1, faults.cut(10));
    await expect(get(`${fake.url}/x`)).rejects.toThrow();
  });

  it('trickles a body chunk by chunk', async () => {
    fake.failNext(1, faults.trickle(['a', 'b', 'c'], 5));
    const res = await get(`${fake.url}/x`);
    expect(res.body).toBe('abc');
  });

  it('sends oversized bodies with or without a Content-Length', async () => {
    fake.failNext(1, faults.oversized(200_000));
    fake.failNext(1, faults.oversized(150_000, { chunked: true }));
    const declared = await get(`${fake.url}/x`);
    expect(declared.headers['content-length']).toBe('200000');
    expect(declared.body.length).toBe(200_000);
    const chunked = await get(`${fake.url}/x`);
    expect(chunked.headers['content-length']).toBeUndefined();
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    expect(chunked.body.length).toBe(150_000);
  });

  it('waits for a number of requests, and refuses connections once closed', async () => {
    fake.failNext(1, faults.hang());
    const pending = get(`${fake.url}/x`).catch((err: Error) => err);
    await fake.waitForRequests(1);
    expect(fake.requests).toHaveLength(1);
    await fake.close();
    expect(await pending).toBeInstanceOf(Error);
    await expect(get(`${fake.url}/x`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    fake = await startFakeServer(); // afterEach closes this one
  });
});
