import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { requestHashOf } from '../../src/server/platform/http/idempotency.js';

let now = new Date('2031-02-03T10:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => now });
});
afterAll(() => t.close());

const key = (h: string) => ({ 'idempotency-key': h });
const total = async (client: Awaited<ReturnType<typeof signUp>>) => (await client.get('/api/contacts/count')).body.total as number;

describe('Idempotency-Key', () => {
  it('answers a retried create with the first result and writes once; another body with the same key is refused', async () => {
    const a = await signUp(t.app, 'idem');
    const body = { name: 'Renée Retry', emails: ['renee@example.test'] };
    const first = await a.post('/api/contacts', body, key('form-1'));
    expect(first.status, first.text).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await a.post('/api/contacts', body, key('form-1'));
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(String(again.headers['content-type'])).toMatch(/application\/json/);
    expect(await total(a)).toBe(1);

    const other = await a.post('/api/contacts', { name: 'Someone else' }, key('form-1'));
    expect(other.status).toBe(422);
    expect(other.body.error.message).toMatch(/already used for a different request/);
    expect(await total(a)).toBe(1);
    // Without a key, or with a new one, each request writes.
    expect((await a.post('/api/contacts', body)).status).toBe(201);
    expect((await a.post('/api/contacts', body, key('form-2'))).status).toBe(201);
    expect(await total(a)).toBe(3);
  });

  it('keeps keys per user, replays answers that were errors, and covers every kind of create', async () => {
    const a = await signUp(t.app, 'idem-a');
    const b = await signUp(t.app, 'idem-b');
    expect((await a.post('/api/tags', { name: 'Yin' }, key('same'))).status).toBe(201);
    expect((await b.post('/api/tags', { name: 'Yin' }, key('same'))).status).toBe(201);
    expect((await b.get('/api/tags')).body.items).toHaveLength(1);

    const contact = (await a.post('/api/contacts', { name: 'Ida Class' })).body.id as string;
    const log = { contactIds: [contact], subject: 'Morning class' };
    const logged = await a.post('/api/interactions/bulk', log, key('class-1'));
    const retried = await a.post('/api/interactions/bulk', log, key('class-1'));
    expect(retried.text).toBe(logged.text);
    expect((await a.get(`/api/contacts/${contact}/interactions`)).body.items).toHaveLength(1);
    const task = { title: 'Send the invoice' };
    await a.post('/api/tasks', task, key('task-1'));
    await a.post('/api/tasks', task, key('task-1'));
    expect((await a.get('/api/tasks')).body.items.filter((x: { title: string }) => x.title === 'Send the invoice')).toHaveLength(1);

    // A 404 is an answer too: the retry gets the same one.
    const missing = { contactId: '00000000-0000-4000-8000-000000000000', type: 'note', subject: 'x' };
    const notFound = await a.post('/api/interactions', missing, key('missing'));
    expect(notFound.status).toBe(404);
    const notFoundAgain = await a.post('/api/interactions', missing, key('missing'));
    expect(notFoundAgain.status).toBe(404);
    expect(notFoundAgain.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses a malformed key, says "retry shortly" while the first request runs, and forgets keys after 24 hours', async () => {
    const a = await signUp(t.app, 'idem-time');
    for (const bad of ['', 'x'.repeat(201), 'has space', 'ünïcode']) {
      const res = await a.post('/api/tags', { name: 'Bad key' }, key(bad));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.message).toMatch(/Idempotency-Key header must be 1 to 200 visible characters/);
    }
    expect((await a.get('/api/tags')).body.items).toHaveLength(0);

    // A first request still running (its row has no answer yet): a retry is told to wait, then,
    // once the first is taken for abandoned (a crash), the retry runs it.
    const body = { name: 'Crashed' };
    await t.app.services.idempotency.claim(a.userId, 'crash-1', requestHashOf('/api/tags', {}, body));
    const waiting = await a.post('/api/tags', body, key('crash-1'));
    expect(waiting.status).toBe(409);
    expect(waiting.headers['retry-after']).toBe('1');
    now = new Date(now.getTime() + 61_000);
    expect((await a.post('/api/tags', body, key('crash-1'))).status).toBe(201);

    const first = await a.post('/api/tags', { name: 'Daily' }, key('daily'));
    expect(first.status).toBe(201);
    now = new Date(now.getTime() + 24 * 60 * 60_000 + 1_000);
    const purged = await t.app.services.idempotency.purgeExpired();
    expect(purged).toBeGreaterThanOrEqual(2);
    // The key is free again: the same body now runs (and meets the tag it made a day ago).
    const later = await a.post('/api/tags', { name: 'Daily' }, key('daily'));
    expect(later.status).toBe(409);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
  });
});
