import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD, TestClient } from '../support/client.js';

/**
 * Scale-out (DESIGN §2): two app instances, each with its own database pool and Redis connection,
 * behind one load balancer. Nothing a request needs may live in one instance's memory.
 */
describe.skipIf(!process.env.DATABASE_URL || !process.env.REDIS_URL)(
  'two instances on one PostgreSQL and Redis (needs DATABASE_URL and REDIS_URL)',
  () => {
    let one: TestApp;
    let two: TestApp;

    beforeAll(async () => {
      [one, two] = await Promise.all([createTestApp(), createTestApp()]);
    });
    afterAll(async () => {
      await Promise.all([one?.close(), two?.close()]);
    });

    /** The same browser (cookies, address) whose next request the load balancer sends elsewhere. */
    function sameBrowserOn(t: TestApp, client: TestClient): TestClient {
      const other = new TestClient(t.app);
      other.cookies = new Map(client.cookies);
      other.remoteAddress = client.remoteAddress;
      return other;
    }

    it('runs two instances that share nothing in memory', () => {
      expect(one.app).not.toBe(two.app);
      expect(one.database.pool).toBeDefined();
      expect(one.database.pool).not.toBe(two.database.pool);
      expect(one.app.services.sessions).not.toBe(two.app.services.sessions);
    });

    it('accepts a session made on one instance on the other, with the same cookie', async () => {
      const onOne = await signUp(one.app, 'twin-session');
      const onTwo = sameBrowserOn(two, onOne);
      const me = await onTwo.get('/api/auth/me');
      expect(me.status, me.text).toBe(200);
      expect(me.body.user.id).toBe(onOne.userId);
      const sessions = await onTwo.get('/api/auth/sessions');
      expect(sessions.body.items).toHaveLength(1);
      expect(sessions.body.items[0].isCurrent).toBe(true);
      // A write through the second instance passes its CSRF check with the first one's token.
      const created = await onTwo.post('/api/contacts', { name: 'Written on two' });
      expect(created.status, created.text).toBe(201);
    });

    it('lists a contact created on one instance on the other at once', async () => {
      const onOne = await signUp(one.app, 'twin-contact');
      const onTwo = sameBrowserOn(two, onOne);
      const before = await onTwo.get('/api/contacts');
      expect(before.body.items).toEqual([]);
      const created = await onOne.post('/api/contacts', { name: 'Åsa Öberg 🌿', emails: ['asa@example.test'] });
      expect(created.status, created.text).toBe(201);
      const list = await onTwo.get('/api/contacts?q=asa%20ober');
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
      const detail = await onTwo.get(`/api/contacts/${created.body.id}`);
      expect(detail.body.name).toBe('Åsa Öberg 🌿');
    });

    it('shows a tag renamed on one instance on the other immediately', async () => {
      const onOne = await signUp(one.app, 'twin-tag');
      const onTwo = sameBrowserOn(two, onOne);
      const tag = await onTwo.post('/api/tags', { name: 'Breathwork' });
      expect(tag.status, tag.text).toBe(201);
      const contact = await onTwo.post('/api/contacts', { name: 'José Muñoz', tagIds: [tag.body.id] });
      // Both instances read the tag once, so a per-instance cache would now hold the old name.
      expect((await onOne.get('/api/tags')).body.items.map((t: { name: string }) => t.name)).toEqual(['Breathwork']);
      expect((await onTwo.get(`/api/contacts/${contact.body.id}`)).body.tags[0].name).toBe('Breathwork');

      const renamed = await onOne.patch(`/api/tags/${tag.body.id}`, { name: 'Breathwork 🌬️' });
      expect(renamed.status, renamed.text).toBe(200);
      expect((await onTwo.get('/api/tags')).body.items.map((t: { name: string }) => t.name)).toEqual(['Breathwork 🌬️']);
      expect((await onTwo.get(`/api/contacts/${contact.body.id}`)).body.tags[0].name).toBe('Breathwork 🌬️');
      expect((await onTwo.get(`/api/contacts?tags=${tag.body.id}`)).body.items[0].tags[0].name).toBe('Breathwork 🌬️');
    });

    it('ends the session on both instances when the user signs out on one', async () => {
      const onOne = await signUp(one.app, 'twin-logout');
      const onTwo = sameBrowserOn(two, onOne);
      expect((await onTwo.get('/api/auth/me')).status).toBe(200);
      const logout = await onOne.post('/api/auth/logout');
      expect(logout.status).toBe(204);
      // onTwo still sends the old cookie, as a tab that has not reloaded would.
      const after = await onTwo.get('/api/auth/me');
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('unauthenticated');
      const reusedOnOne = sameBrowserOn(one, onTwo);
      expect((await reusedOnOne.get('/api/contacts')).status).toBe(401);
    });

    it('ends every session on both instances after sign-out everywhere', async () => {
      const onOne = await signUp(one.app, 'twin-logout-all');
      const second = new TestClient(two.app);
      const login = await second.post('/api/auth/login', { email: onOne.email, password: TEST_PASSWORD });
      expect(login.status, login.text).toBe(200);
      expect((await sameBrowserOn(one, second).get('/api/auth/sessions')).body.items).toHaveLength(2);
      expect((await onOne.post('/api/auth/logout-all')).status).toBe(204);
      expect((await second.get('/api/auth/me')).status).toBe(401);
      expect((await sameBrowserOn(two, onOne).get('/api/auth/me')).status).toBe(401);
    });
  },
);
