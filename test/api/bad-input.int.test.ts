import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type Response } from '../support/client.js';

/** Every bad request gets a 4xx with the standard body and a message a person can act on. */

type Client = Awaited<ReturnType<typeof signUp>>;

let t: TestApp;
let a: Client;
let contactId: string;
let tagId: string;

beforeAll(async () => {
  t = await createTestApp();
  a = await signUp(t.app, 'bad-input');
  tagId = (await a.post('/api/tags', { name: 'Valid' })).body.id;
  contactId = (await a.post('/api/contacts', { name: 'Valid', tagIds: [tagId] })).body.id;
  for (let i = 0; i < 3; i++) await a.post('/api/contacts', { name: `Filler ${i}` });
});
afterAll(() => t.close());

function expectError(res: Response, status: number, code: string, message: RegExp) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(['error', 'requestId']);
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message).toMatch(message);
}

/** A raw request, for bodies the JSON-speaking client cannot send. */
async function send(method: 'POST' | 'PATCH', url: string, payload: string | Buffer, contentType?: string): Promise<Response> {
  const res = await t.app.inject({
    method,
    url,
    remoteAddress: a.remoteAddress,
    headers: {
      cookie: [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': a.csrf,
      ...(contentType ? { 'content-type': contentType } : {}),
    },
    payload,
  });
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}

describe('request bodies', () => {
  it('rejects unknown keys, naming them, including owner ids', async () => {
    const res = await a.post('/api/contacts', { name: 'X', favouriteColour: 'teal' });
    expectError(res, 400, 'validation_failed', /favouriteColour/);
    expectError(await a.post('/api/contacts', { name: 'X', userId: crypto.randomUUID() }), 400, 'validation_failed', /userId/);
    expectError(await a.patch(`/api/contacts/${contactId}`, { id: crypto.randomUUID() }), 400, 'validation_failed', /"id"/);
    expectError(await a.post('/api/tags', { name: 'T', owner: 'me' }), 400, 'validation_failed', /owner/);
    expectError(await a.patch('/api/auth/me', { email: 'new@example.test' }), 400, 'validation_failed', /email/);
  });

  it('rejects wrong types and values, saying which field and what is expected', async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: 123 }, /body\.name: .*string/],
      [{}, /body\.name/],
      [{ name: '   ' }, /body\.name: is required/],
      [{ name: 'X', sentiment: 'high' }, /body\.sentiment/],
      [{ name: 'X', sentiment: 9 }, /body\.sentiment/],
      [{ name: 'X', emails: ['not-an-email'] }, /body\.emails\.0: must be a valid email address/],
      [{ name: 'X', tagIds: 'abc' }, /body\.tagIds/],
      [{ name: 'X', tagIds: ['abc'] }, /body\.tagIds\.0/],
      [{ name: 'X', lifecycleStage: 'vip' }, /body\.lifecycleStage/],
      [{ name: 'X', birthday: '12/04/1990' }, /body\.birthday: must be a date as YYYY-MM-DD/],
      [{ name: 'X', hasAiConsent: 'yes' }, /body\.hasAiConsent/],
      [{ name: 'X', notes: 'n'.repeat(20_001) }, /body\.notes/],
      [{ name: 'X', customFields: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) }, /at most 100 custom fields/],
    ];
    for (const [body, message] of cases) {
      const res = await a.post('/api/contacts', body);
      expectError(res, 400, 'validation_failed', message);
      expect(res.body.error.details.issues.length).toBeGreaterThan(0);
    }
    expectError(await a.post('/api/contacts/bulk', { action: 'explode', ids: [contactId] }), 400, 'validation_failed', /action/);
    expectError(await a.post('/api/contacts/bulk', { action: 'delete', ids: [] }), 400, 'validation_failed', /ids/);
    expectError(await a.post('/api/tags', { name: 'x'.repeat(61) }), 400, 'validation_failed', /body\.name/);
  });

  it('refuses the NUL character, which PostgreSQL text cannot hold, anywhere in the input', async () => {
    const nul = /NUL character/;
    expectError(await a.post('/api/contacts', { name: 'a\u0000b' }), 400, 'bad_request', nul);
    expectError(await a.post('/api/contacts', { name: 'X', customFields: { 'key\u0000': 'v' } }), 400, 'bad_request', nul);
    expectError(
      await a.post('/api/contacts', { name: 'X', importantDates: [{ label: '\u0000', date: '2024-01-01' }] }),
      400,
      'bad_request',
      nul,
    );
    expectError(await a.patch(`/api/contacts/${contactId}`, { notes: 'end\u0000' }), 400, 'bad_request', nul);
    expectError(await a.post('/api/tags', { name: 'T\u0000' }), 400, 'bad_request', nul);
    expectError(await a.patch('/api/auth/me', { displayName: '\u0000' }), 400, 'bad_request', nul);
    expectError(await a.get('/api/contacts?q=a%00b'), 400, 'bad_request', nul);
    // A backslash followed by "u0000" is ordinary text.
    const literal = await a.post('/api/contacts', { name: 'back\\u0000slash' });
    expect(literal.status, literal.text).toBe(201);
    expect(literal.body.name).toBe('back\\u0000slash');
  });

  it('answers 413 for a body over the limit (a 1 MB string)', async () => {
    const big = 'x'.repeat(1024 * 1024);
    expectError(await a.post('/api/contacts', { name: 'Big', notes: big }), 413, 'payload_too_large', /too large \(limit 256 KB\)/);
    expectError(await a.patch(`/api/contacts/${contactId}`, { notes: big }), 413, 'payload_too_large', /too large/);
    expectError(await a.post('/api/tags', { name: big }), 413, 'payload_too_large', /too large/);
    expectError(await a.post('/api/auth/login', { email: 'x@example.test', password: big }), 413, 'payload_too_large', /too large/);
  });

  it('answers 400 for malformed or empty JSON', async () => {
    expectError(await send('POST', '/api/contacts', '{"name": "x",', 'application/json'), 400, 'bad_request', /not valid JSON/);
    expectError(await send('POST', '/api/contacts', "{'name': 'x'}", 'application/json'), 400, 'bad_request', /not valid JSON/);
    expectError(await send('POST', '/api/contacts', '', 'application/json'), 400, 'bad_request', /empty/);
    expectError(await send('POST', '/api/contacts', '[]', 'application/json'), 400, 'validation_failed', /object/);
    expectError(await send('POST', '/api/contacts', 'null', 'application/json'), 400, 'validation_failed', /Invalid request/);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const json = /Content-Type: application\/json/;
    expectError(await send('POST', '/api/contacts', 'name=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type', json);
    expectError(await send('POST', '/api/contacts', '{"name":"x"}', 'text/plain'), 415, 'unsupported_media_type', json);
    expectError(
      await send('PATCH', `/api/contacts/${contactId}`, '{"name":"x"}', 'text/plain; charset=utf-8'),
      415,
      'unsupported_media_type',
      json,
    );
    expectError(await send('POST', '/api/tags', '<tag/>', 'application/xml'), 415, 'unsupported_media_type', json);
    expectError(await send('POST', '/api/contacts', '{"name":"x"}'), 415, 'unsupported_media_type', json);
    const multipart = '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n';
    expectError(await send('POST', '/api/contacts', multipart, 'multipart/form-data; boundary=b'), 415, 'unsupported_media_type', json);
  });
});

describe('query strings', () => {
  it('refuses a page size past the cap and other bad numbers', async () => {
    for (const limit of ['1000000000', '201', '0', '-1', '2.5', 'ten', '']) {
      expectError(await a.get(`/api/contacts?limit=${limit}`), 400, 'validation_failed', /querystring\.limit/);
    }
    expectError(await a.get('/api/tags?limit=1000000000'), 400, 'validation_failed', /querystring\.limit/);
  });

  it('refuses unknown parameters and bad filter values', async () => {
    expectError(await a.get('/api/contacts?sort=name&colour=red'), 400, 'validation_failed', /colour/);
    expectError(await a.get('/api/contacts?sort=age'), 400, 'validation_failed', /querystring\.sort/);
    expectError(await a.get('/api/contacts?order=up'), 400, 'validation_failed', /querystring\.order/);
    expectError(await a.get('/api/contacts?tags=red'), 400, 'validation_failed', /tag ids \(UUIDs\) separated by commas/);
    expectError(await a.get('/api/contacts?stage=vip'), 400, 'validation_failed', /querystring\.stage/);
    expectError(await a.get('/api/contacts?aiConsent=yes'), 400, 'validation_failed', /querystring\.aiConsent/);
    expectError(await a.get('/api/contacts?noContactDays=-3'), 400, 'validation_failed', /querystring\.noContactDays/);
    expectError(await a.get(`/api/contacts?q=${'a'.repeat(201)}`), 400, 'validation_failed', /querystring\.q/);
    expectError(await a.get(`/api/contacts?q=${'a'.repeat(1024 * 1024)}`), 400, 'validation_failed', /querystring\.q/);
  });

  it('refuses forged and edited cursors, and cursors made for another list or sort', async () => {
    const page = await a.get('/api/contacts?limit=2&sort=created');
    const cursor: string = page.body.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    expect((await a.get(`/api/contacts?limit=2&sort=created&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);

    // Encrypted and authenticated: nothing of the sort key shows, and any change to a byte is refused.
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/contacts:created|"i"/);
    const bytes = Buffer.from(cursor, 'base64url');
    const flip = (at: number) => {
      const copy = Buffer.from(bytes);
      copy[at] = copy[at]! ^ 1;
      return copy.toString('base64url');
    };
    const forged = [
      'not-a-cursor',
      flip(0),
      flip(20),
      flip(bytes.length - 1),
      cursor.slice(0, -4),
      `${cursor}.${cursor}`,
      Buffer.from(JSON.stringify({ s: 'contacts:created:asc', k: null, i: contactId })).toString('base64url'),
      'a'.repeat(900),
    ];
    for (const bad of forged) {
      expectError(
        await a.get(`/api/contacts?limit=2&sort=created&cursor=${encodeURIComponent(bad)}`),
        400,
        'bad_request',
        /cursor is invalid\. Start again from the first page/,
      );
    }
    const otherSort = `/api/contacts?limit=2&sort=name&cursor=${encodeURIComponent(cursor)}`;
    expectError(await a.get(otherSort), 400, 'bad_request', /different sort order/);
    const otherOrder = `/api/contacts?limit=2&sort=created&order=desc&cursor=${encodeURIComponent(cursor)}`;
    expectError(await a.get(otherOrder), 400, 'bad_request', /different sort order/);
    expectError(await a.get(`/api/tags?cursor=${encodeURIComponent(cursor)}`), 400, 'bad_request', /different sort order/);
    expectError(await a.get(`/api/contacts?cursor=${'c'.repeat(2001)}`), 400, 'validation_failed', /querystring\.cursor/);
  });
});

describe('paths', () => {
  it('answers 400 for ids that are not UUIDs', async () => {
    expectError(await a.get('/api/contacts/123'), 400, 'validation_failed', /params\.id: must be a contact id \(UUID\)/);
    expectError(await a.patch('/api/contacts/not-a-uuid', { name: 'x' }), 400, 'validation_failed', /contact id/);
    expectError(await a.delete(`/api/contacts/${contactId}x`), 400, 'validation_failed', /contact id/);
    expectError(await a.get("/api/contacts/1'%20or%20'1'='1/delete-preview"), 400, 'validation_failed', /contact id/);
    expectError(await a.patch('/api/tags/abc', { name: 'x' }), 400, 'validation_failed', /params\.id: must be a tag id/);
    expectError(await a.post('/api/tags/abc/merge', { intoTagId: 'def' }), 400, 'validation_failed', /tag id/);
    expectError(await a.delete('/api/auth/sessions/xyz'), 400, 'validation_failed', /params\.id: must be a session id/);
  });

  it('answers a JSON 404 for an unknown /api path or method', async () => {
    expectError(await a.get('/api/nothing-here'), 404, 'not_found', /No route GET \/api\/nothing-here/);
    expectError(await a.get('/api'), 404, 'not_found', /No route/);
    expectError(await a.post('/api/contacts/bulk/extra', {}), 404, 'not_found', /No route POST/);
    expectError(await a.request('PUT', `/api/contacts/${contactId}`, { name: 'x' }), 404, 'not_found', /No route PUT/);
  });

  it('answers 400 with the standard body for an overlong path parameter or a URL that does not decode', async () => {
    expectError(await a.get(`/api/contacts/${'a'.repeat(5000)}`), 400, 'bad_request', /too long/);
    expectError(await a.get('/api/contacts/%E0%A4%A'), 400, 'bad_request', /URL is not valid/);
    expectError(await a.delete('/api/tags/%zz'), 400, 'bad_request', /URL is not valid/);
  });
});
