import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundError } from '../../src/server/platform/outbound/outbound-error.js';
import { systemResolve } from '../../src/server/platform/outbound/ssrf-guard.js';
import { type FakeServer, faults, startFakeServer } from '../fakes/fake-server.js';
import { failure, fakeDns, testOutbound } from '../support/outbound.js';

// Nothing here may reach a real public address: "public" answers come from fakeDns and are refused
// (or never connected to) before any socket opens; the only server contacted is the fake on 127.0.0.1.
let fake: FakeServer;
let t: ReturnType<typeof testOutbound>;
beforeEach(async () => {
  fake = await startFakeServer();
  fake.route('GET', '/feed.ics', () => ({ body: 'BEGIN:VCALENDAR' }));
});
afterEach(async () => {
  await t.client.close();
  await fake.close();
});

const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (err: OutboundError) => err.kind,
  );

describe('SSRF-safe mode (user-supplied URLs)', () => {
  it('refuses every private, loopback and special address form, however it is spelled', async () => {
    t = testOutbound({ limits: { connectTimeoutMs: 500, maxAttempts: 1 } });
    const feeds = t.client.provider('feeds');
    const p = fake.port;
    const urls = [
      `http://127.0.0.1:${p}/feed.ics`,
      `http://127.8.9.10:${p}/`,
      `http://[::1]:${p}/`,
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://172.31.255.254/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://[fd12:3456::1]/',
      'http://0.0.0.0/',
      'http://0.1.2.3/',
      'http://[::]/',
      'http://100.64.0.1/',
      'http://100.127.255.254/',
      'http://224.0.0.1/',
      'http://[ff02::1]/',
      'http://255.255.255.255/',
      `http://[::ffff:127.0.0.1]:${p}/`,
      'http://[::ffff:10.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      `http://2130706433:${p}/`, // decimal
      `http://0x7f.1:${p}/`, // hex, short form
      `http://0x7f000001:${p}/`,
      `http://0177.0.0.1:${p}/`, // octal
      `http://127.1:${p}/`,
      'https://10.0.0.1/',
    ];
    const kinds = [];
    for (const url of urls) kinds.push(await kindOf(feeds.request({ url })));
    expect(kinds).toEqual(urls.map(() => 'blocked_address'));
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses other schemes, credentials in the URL and URLs that do not parse', async () => {
    t = testOutbound();
    const feeds = t.client.provider('feeds');
    const urls = [
      'ftp://example.test/feed.ics',
      'file:///etc/passwd',
      'data:text/plain,hi',
      'http://user:pw@feed.example.test/',
      'not a url',
    ];
    const kinds = [];
    for (const url of urls) kinds.push(await kindOf(feeds.request({ url })));
    expect(kinds).toEqual(urls.map(() => 'blocked_address'));
  });

  it('refuses a host name that resolves to loopback (localhost, through the system resolver)', async () => {
    t = testOutbound({ resolve: systemResolve });
    const err = await failure(t.client.provider('feeds').request({ url: `http://localhost:${fake.port}/feed.ics` }));
    expect(err).toMatchObject({ kind: 'blocked_address', provider: 'feeds' });
    expect(err.message).not.toContain('localhost'); // errors never echo what the user typed
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a name when any of its addresses is private', async () => {
    const dns = fakeDns({ 'mixed.example.test': ['203.0.113.9', '10.0.0.7'], 'v6.example.test': ['2001:db8::1', 'fd00::1'] });
    t = testOutbound({ resolve: dns });
    const feeds = t.client.provider('feeds');
    expect(await kindOf(feeds.request({ url: 'http://mixed.example.test/' }))).toBe('blocked_address');
    expect(await kindOf(feeds.request({ url: 'http://v6.example.test/' }))).toBe('blocked_address');
  });

  it('checks the address it connects to: a DNS that rebinds to 127.0.0.1 after the first check is refused', async () => {
    const dns = fakeDns({ 'rebind.example.test': (n) => (n === 1 ? ['203.0.113.10'] : ['127.0.0.1']) });
    t = testOutbound({ resolve: dns, limits: { maxAttempts: 1 } });
    const err = await failure(t.client.provider('feeds').request({ url: `http://rebind.example.test:${fake.port}/feed.ics` }));
    expect(err.kind).toBe('blocked_address');
    expect(dns.lookups['rebind.example.test']).toBe(2); // the early check passed; the connect-time one refused
    expect(fake.requests).toHaveLength(0);
  });

  it('trusts only the exact origins the operator configured, for that provider only', async () => {
    const other = await startFakeServer();
    try {
      t = testOutbound();
      const llm = t.client.provider('llm', { trustedOrigins: [`${fake.url}/api/v1`] });
      const feeds = t.client.provider('feeds');
      expect((await llm.request({ url: `${fake.url}/feed.ics` })).text()).toBe('BEGIN:VCALENDAR');
      expect(await kindOf(feeds.request({ url: `${fake.url}/feed.ics` }))).toBe('blocked_address');
      expect(await kindOf(llm.request({ url: `${other.url}/feed.ics` }))).toBe('blocked_address');
      expect(fake.requests).toHaveLength(1);
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});

describe('redirects re-checked on every hop', () => {
  it('refuses a redirect from an allowed server to a private or loopback address', async () => {
    const other = await startFakeServer();
    try {
      t = testOutbound({ resolve: fakeDns({ localhost: ['127.0.0.1', '::1'] }), limits: { connectTimeoutMs: 500 } });
      const api = t.client.provider('google', { trustedOrigins: [fake.url] });
      const targets = [
        'http://10.0.0.5/internal',
        'http://169.254.169.254/latest/meta-data/',
        `http://[::ffff:127.0.0.1]:${other.port}/`,
        `http://localhost:${other.port}/`,
        `${other.url}/`,
        `http://2130706433:${other.port}/`,
        'file:///etc/passwd',
      ];
      const kinds = [];
      for (const target of targets) {
        fake.failNext(1, faults.redirect(target));
        kinds.push(await kindOf(api.request({ url: `${fake.url}/start` })));
      }
      expect(kinds).toEqual(targets.map(() => 'blocked_address'));
      expect(fake.requests).toHaveLength(targets.length);
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});
