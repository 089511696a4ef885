import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, faults, startFakeServer } from '../fakes/fake-server.js';
import { failure, testOutbound } from '../support/outbound.js';

let a: FakeServer;
let b: FakeServer;
let t: ReturnType<typeof testOutbound>;
let api: ReturnType<typeof t.client.provider>;
beforeEach(async () => {
  a = await startFakeServer();
  b = await startFakeServer();
  for (const fake of [a, b]) {
    fake.route('GET', '/final', (req) => ({ json: { method: req.method } }));
    fake.route('POST', '/final', (req) => ({ json: { method: req.method, body: req.text } }));
  }
  t = testOutbound();
  // Both fakes are operator-configured origins of one provider: only the redirect rules are under test.
  api = t.client.provider('google', { trustedOrigins: [a.url, b.url] });
});
afterEach(async () => {
  await t.client.close();
  await Promise.all([a.close(), b.close()]);
});

describe('outbound redirects', () => {
  it('follows up to 3 redirects and reports the URL that answered', async () => {
    a.route('GET', '/1', () => faults.redirect('/2'));
    a.route('GET', '/2', () => faults.redirect(`${a.url}/3`, 301));
    a.route('GET', '/3', () => faults.redirect('final', 307));
    const res = await api.request({ url: `${a.url}/1` });
    expect(res.json()).toEqual({ method: 'GET' });
    expect(res.url).toBe(`${a.url}/final`);
    expect(a.requests.map((r) => r.path)).toEqual(['/1', '/2', '/3', '/final']);
  });

  it('refuses a fourth redirect without following it', async () => {
    for (const n of [1, 2, 3, 4]) a.route('GET', `/${n}`, () => faults.redirect(`/${n + 1}`));
    const err = await failure(api.request({ url: `${a.url}/1` }));
    expect(err).toMatchObject({ kind: 'too_many_redirects', provider: 'google' });
    expect(a.requests.map((r) => r.path)).toEqual(['/1', '/2', '/3', '/4']);
  });

  it('drops credentials on a redirect to another origin, and keeps them on the same origin', async () => {
    a.route('GET', '/same', () => faults.redirect('/cross'));
    a.route('GET', '/cross', () => faults.redirect(`${b.url}/final`));
    await api.request({ url: `${a.url}/same`, headers: { Authorization: 'Bearer secret', Cookie: 'c=1', 'X-Trace': 't' } });
    expect(a.requests.map((r) => r.headers.authorization)).toEqual(['Bearer secret', 'Bearer secret']);
    const [atB] = b.requests;
    expect(atB?.headers.authorization).toBeUndefined();
    expect(atB?.headers.cookie).toBeUndefined();
    expect(atB?.headers['x-trace']).toBe('t');
  });

  it('turns a POST into a GET without body on 303, and keeps method and body on 307', async () => {
    a.route('POST', '/see-other', () => faults.redirect('/final', 303));
    a.route('POST', '/temporary', () => faults.redirect('/final', 307));
    const seeOther = await api.request({
      url: `${a.url}/see-other`,
      method: 'POST',
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(seeOther.json()).toEqual({ method: 'GET' });
    const temporary = await api.request({ url: `${a.url}/temporary`, method: 'POST', body: 'payload' });
    expect(temporary.json()).toEqual({ method: 'POST', body: 'payload' });
    expect(a.requests.find((r) => r.path === '/final' && r.method === 'GET')?.headers['content-type']).toBeUndefined();
  });

  it('returns a 3xx without Location as it is, and an error status after a redirect as an error', async () => {
    a.route('GET', '/not-modified', () => ({ status: 304 }));
    a.route('GET', '/to-missing', () => faults.redirect('/missing'));
    expect((await api.request({ url: `${a.url}/not-modified` })).status).toBe(304);
    const err = await failure(api.request({ url: `${a.url}/to-missing` }));
    expect(err).toMatchObject({ kind: 'http_status', status: 404 });
  });
});
