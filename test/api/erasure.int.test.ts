import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aiInsights,
  aiSuggestions,
  auditLog,
  calendarEvents,
  consents,
  documentContacts,
  documents,
  emails,
} from '../../src/server/db/schema/index.js';
import { recordAudit } from '../../src/server/modules/audit/audit.repo.js';
import { createTestApp, hasRedis, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD, TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { postFile } from '../support/route-cases.js';
import { findTraces, type Trace } from '../support/traces.js';
import { getBytes, readZip } from '../support/zip.js';

/**
 * Erasure (issue 11, item 3): after a contact, or a whole account, is deleted, no table of the
 * database holds a row that names it or a copy of its name, emails or phones, and no route, search,
 * export or cache shows it.
 */

type Client = Awaited<ReturnType<typeof signUp>>;

let t: TestApp;
let redis: Redis | undefined;
beforeAll(async () => {
  t = await createTestApp();
  if (hasRedis) redis = new Redis(process.env.REDIS_URL!);
});
afterAll(async () => {
  await redis?.quit();
  await t.close();
});

const png = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#a47' } })
    .png()
    .toBuffer();

/** A contact with something in every table that can hold a contact's data. */
async function richContact(client: Client, label: string) {
  const tag = crypto.randomUUID().slice(0, 8);
  const name = `${label} Zq${tag}`;
  const email = `${label.toLowerCase()}-${tag}@example.test`;
  const phone = `+44 7700 ${900000 + Math.floor(Math.random() * 99999)}`;
  const contact = await createContact(client, {
    name,
    emails: [email],
    phones: [phone],
    notes: `Notes about ${name}`,
    hasPhotoConsent: true,
    hasAiConsent: true,
  });
  const id = contact.id;
  // Sent as the web app sends it: the kept answer of a retryable request holds the contact's name too.
  const created = await client.post(
    '/api/interactions',
    { contactId: id, type: 'meeting', subject: `Session with ${name}` },
    { 'idempotency-key': crypto.randomUUID() },
  );
  expect(created.status, created.text).toBe(201);
  const trashed = await client.post('/api/interactions', { contactId: id, type: 'note', subject: `Note on ${name}` });
  // A soft-deleted entry: still in the trash when the contact is erased.
  expect((await client.delete(`/api/interactions/${trashed.body.id}`)).status).toBe(204);
  expect((await client.post('/api/goals', { contactId: id, title: `Goal of ${name}` })).status).toBe(201);
  const task = await client.post('/api/tasks', { title: 'Follow up', contactIds: [id] });
  expect(task.status, task.text).toBe(201);
  expect((await postFile(client, `/api/contacts/${id}/photos`, await png())).status).toBe(201);

  const db = t.database.db;
  const userId = client.userId;
  await db.insert(consents).values({
    userId,
    contactId: id,
    purpose: 'ai_processing',
    isGranted: true,
    method: 'verbal',
    recordedBy: userId,
    note: `${name} said yes`,
  });
  await db.insert(emails).values([
    {
      userId,
      gmailMessageId: crypto.randomUUID(),
      threadId: 't',
      contactId: id,
      direction: 'inbound',
      fromAddress: email,
      sentAt: new Date(),
    },
    // Not linked to the contact, but from their address.
    {
      userId,
      gmailMessageId: crypto.randomUUID(),
      threadId: 't',
      direction: 'inbound',
      fromAddress: email,
      subject: name,
      sentAt: new Date(),
    },
  ]);
  await db.insert(calendarEvents).values([
    { userId, externalId: crypto.randomUUID(), contactId: id, title: `Session: ${name}`, startsAt: new Date() },
    { userId, externalId: crypto.randomUUID(), title: 'Unlinked', attendees: [{ email, name }], startsAt: new Date() },
  ]);
  const [doc] = await db
    .insert(documents)
    .values({ userId, externalId: crypto.randomUUID(), name: `${name}.pdf`, mimeType: 'application/pdf' })
    .returning();
  await db.insert(documentContacts).values({ userId, documentId: doc!.id, contactId: id });
  await db.insert(aiInsights).values({ userId, contactId: id, kind: 'summary', content: { text: name }, inputHash: 'h', model: 'm' });
  // A suggestion that names the contact in its payload only (its contact_id is null).
  await db
    .insert(aiSuggestions)
    .values({ userId, kind: 'follow_up', title: 'Reach out', payload: { contactId: id, prompt: `Write to ${name}` } });
  // An earlier audit entry carrying the name, as a consent change would record it.
  await recordAudit(db, { userId, action: 'consent.changed', entityType: 'contact', entityId: id, details: { name } });
  await t.app.services.onChange(userId);
  return { id, name, email, phone, taskId: task.body.id as string };
}

type Victim = Awaited<ReturnType<typeof richContact>>;
const needlesOf = (v: Victim) => [v.id, v.name, v.email, v.phone];

/** Traces other than the audit entries kept (by id, without the name) for the erased contact. */
function unexpected(traces: Trace[], victim: Victim) {
  return traces.filter((x) => !(x.table === 'public.audit_log' && x.column === 'entity_id' && x.value === victim.id));
}

async function cachedPracticeKeys(userId: string) {
  if (!redis) return [];
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `*practice:${userId}:*`, 'COUNT', 500);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** Every way a person could come across the contact again: lists, search, the dashboard, an export. */
async function expectNowhere(client: Client, victim: Victim) {
  const reads = [
    '/api/contacts',
    `/api/contacts?q=${encodeURIComponent(victim.name)}`,
    `/api/contacts?q=${encodeURIComponent(victim.email)}`,
    '/api/interactions',
    '/api/goals',
    `/api/tasks/${victim.taskId}`,
    '/api/dashboard/stats',
    '/api/today',
  ];
  for (const url of reads) {
    const res = await client.get(url);
    expect(res.status, `${url}: ${res.text.slice(0, 200)}`).toBe(200);
    for (const needle of needlesOf(victim)) expect(res.text, url).not.toContain(needle);
  }
  expect((await client.get(`/api/contacts/${victim.id}`)).status).toBe(404);
  const exported = await getBytes(client, '/api/export');
  expect(exported.status).toBe(200);
  for (const [name, bytes] of await readZip(exported.bytes)) {
    const text = `${name}\n${bytes.toString('latin1')}`;
    // The audit log keeps its entries about the contact, by id only.
    for (const needle of name === 'audit_log.jsonl' ? [victim.name, victim.email, victim.phone] : needlesOf(victim)) {
      expect(text, name).not.toContain(needle);
    }
  }
}

describe('DELETE /api/contacts/:id erases the contact', () => {
  let a: Client;
  let victim: Victim;
  let keeper: Victim;

  beforeAll(async () => {
    a = await signUp(t.app, 'erase');
    victim = await richContact(a, 'Erin');
    keeper = await richContact(a, 'Kept');
    // Pages that showed the contact are in the caches before the erasure.
    for (const url of [
      '/api/contacts',
      `/api/contacts/${victim.id}`,
      `/api/contacts?q=${encodeURIComponent(victim.name)}`,
      '/api/dashboard/stats',
    ]) {
      expect((await a.get(url)).status).toBe(200);
    }
    expect((await a.get('/api/contacts')).text).toContain(victim.name);
    const traces = await findTraces(t.database.db, needlesOf(victim));
    // The scan sees the contact everywhere before (so its silence after means something).
    for (const table of [
      'public.contacts',
      'public.interactions',
      'public.emails',
      'public.calendar_events',
      'public.ai_suggestions',
      'public.audit_log',
      'public.idempotency_keys',
    ]) {
      expect(traces.map((x) => x.table)).toContain(table);
    }
    const res = await a.delete(`/api/contacts/${victim.id}`);
    expect(res.status, res.text).toBe(204);
  });

  it('leaves no row in any table that references it or copies its name, emails or phones', async () => {
    expect(await cachedPracticeKeys(a.userId)).toEqual([]);
    expect(unexpected(await findTraces(t.database.db, needlesOf(victim)), victim)).toEqual([]);
  });

  it("keeps the audit entries, without the contact's name, and records the erasure", async () => {
    const rows = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, victim.id));
    expect([...new Set(rows.map((r) => r.action))].sort()).toEqual(['consent.changed', 'contact.erased']);
    expect(rows.filter((r) => r.action === 'contact.erased')).toHaveLength(1);
    for (const r of rows) expect(JSON.stringify(r.details)).not.toContain(victim.name);
  });

  it('is found by no list, search, page or export', async () => {
    await expectNowhere(a, victim);
  });

  it('leaves the other contacts and the task as they were', async () => {
    const kept = await a.get(`/api/contacts/${keeper.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.counts.interactions).toBe(1);
    expect((await findTraces(t.database.db, [keeper.email])).map((x) => x.table)).toEqual(
      expect.arrayContaining(['public.contacts', 'public.emails', 'public.calendar_events']),
    );
    expect((await a.get(`/api/tasks/${victim.taskId}`)).status).toBe(200);
  });
});

describe('bulk delete erases every contact it names', () => {
  it('leaves nothing of either contact', async () => {
    const a = await signUp(t.app, 'erase-bulk');
    const one = await richContact(a, 'Olga');
    const two = await richContact(a, 'Tomas');
    const res = await a.post('/api/contacts/bulk', { action: 'delete', ids: [one.id, two.id] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.affected.sort()).toEqual([one.id, two.id].sort());
    for (const victim of [one, two]) {
      expect(unexpected(await findTraces(t.database.db, needlesOf(victim)), victim)).toEqual([]);
      await expectNowhere(a, victim);
    }
    const erased = await t.database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.userId} = ${a.userId} and ${auditLog.action} = 'contact.erased'`);
    expect(erased.map((r) => r.entityId).sort()).toEqual([one.id, two.id].sort());
  });
});

describe('DELETE /api/account', () => {
  it('refuses a wrong password with a message, and keeps everything', async () => {
    const a = await signUp(t.app, 'erase-account-wrong');
    const res = await a.request('DELETE', '/api/account', { password: 'not my password' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe('The password is incorrect.');
    expect((await a.get('/api/auth/me')).status).toBe(200);
  });

  it('removes the account and all its data, and ends every session at once', async () => {
    const a = await signUp(t.app, 'erase-account');
    const victim = await richContact(a, 'Nadia');
    // A second browser signed in to the same account.
    const other = new TestClient(t.app);
    expect((await other.post('/api/auth/login', { email: a.email, password: TEST_PASSWORD })).status).toBe(200);
    expect((await other.get('/api/contacts')).status).toBe(200);
    expect((await a.get('/api/dashboard/stats')).status).toBe(200);

    const res = await a.request('DELETE', '/api/account', { password: TEST_PASSWORD });
    expect(res.status, res.text).toBe(204);

    expect((await a.get('/api/auth/me')).status).toBe(401);
    expect((await other.get('/api/contacts')).status).toBe(401);
    const again = await new TestClient(t.app).post('/api/auth/login', { email: a.email, password: TEST_PASSWORD });
    expect(again.status).toBe(401);
    expect(await cachedPracticeKeys(a.userId)).toEqual([]);
    if (redis) expect(await redis.keys(`*user-sess:${a.userId}*`)).toEqual([]);
    // Nothing at all is left: not even the audit entries (they went with the account).
    expect(await findTraces(t.database.db, [a.userId, a.email, ...needlesOf(victim)])).toEqual([]);
  });
});

describe('DELETE /api/account without the password', () => {
  let now = Date.now();
  let timed: TestApp;
  beforeAll(async () => {
    timed = await createTestApp({}, t.database, { clock: () => new Date(now) });
  });
  afterAll(() => timed.close());

  it('needs a sign-in of the last 5 minutes', async () => {
    const a = await signUp(timed.app, 'erase-fresh');
    now += 6 * 60_000;
    const stale = await a.request('DELETE', '/api/account', {});
    expect(stale.status).toBe(422);
    expect(stale.body.error.message).toMatch(/Type your password to confirm, or sign in again/);
    expect((await a.get('/api/auth/me')).status).toBe(200);

    expect((await a.post('/api/auth/login', { email: a.email, password: TEST_PASSWORD })).status).toBe(200);
    const fresh = await a.request('DELETE', '/api/account', {});
    expect(fresh.status, fresh.text).toBe(204);
    expect((await a.get('/api/auth/me')).status).toBe(401);
  });
});
