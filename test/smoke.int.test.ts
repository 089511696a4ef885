import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/app.js';
import { signUp } from './support/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('creates and lists a contact', async () => {
  const a = await signUp(t.app, 'smoke');
  const tag = await a.post('/api/tags', { name: 'Yoga 🧘' });
  expect(tag.status).toBe(201);
  const created = await a.post('/api/contacts', { name: 'Zoë Ångström', emails: ['Zoe@Example.com'], tagIds: [tag.body.id] });
  expect(created.status, created.text).toBe(201);
  const list = await a.get('/api/contacts?q=angstro');
  expect(list.status, list.text).toBe(200);
  expect(list.body.items.map((c: any) => c.name)).toEqual(['Zoë Ångström']);
  expect(list.body.items[0].tags[0].name).toBe('Yoga 🧘');
  expect(list.headers['x-db-statements']).toBe('1');
  expect(created.body.emails).toEqual(['zoe@example.com']);
});
