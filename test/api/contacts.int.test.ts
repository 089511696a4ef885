import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aiInsights,
  aiSuggestions,
  calendarEvents,
  consents,
  contactPhotos,
  contacts,
  contactTags,
  documentContacts,
  documents,
  emails,
  goals,
  interactions,
  taskContacts,
  tasks,
} from '../../src/server/db/schema/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { createContact, createTag, ISO_UTC, listIds, type Contact } from '../support/contacts.js';

/** Contacts: writes, cascades, bulk actions and dates. Lists, filters and search: contacts-list. */

type Client = Awaited<ReturnType<typeof signUp>>;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('create, read, update, delete', () => {
  let a: Client;
  beforeAll(async () => {
    a = await signUp(t.app, 'crud');
  });

  it('keeps labelled emails and phones, drops the label of a removed value, and refuses what is not a phone number', async () => {
    const created = await createContact(a, {
      name: 'Lena Label',
      emails: ['Lena@Work.example', 'lena@home.example'],
      phones: ['+49 30 1234567', '(415) 555-0101 ext. 12'],
      emailLabels: { 'LENA@work.example': 'work', 'lena@home.example': 'home' },
      phoneLabels: { '+49 30 1234567': 'mobile', 'not listed': 'other' },
    });
    expect(created.emailLabels).toEqual({ 'lena@work.example': 'work', 'lena@home.example': 'home' });
    expect(created.phoneLabels).toEqual({ '+49 30 1234567': 'mobile' });
    // Removing a phone removes its label; labels of the others stay.
    const patched = await a.patch(`/api/contacts/${created.id}`, { phones: ['(415) 555-0101 ext. 12'] });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.phoneLabels).toEqual({});
    expect(patched.body.emailLabels).toEqual({ 'lena@work.example': 'work', 'lena@home.example': 'home' });
    const relabelled = await a.patch(`/api/contacts/${created.id}`, { phoneLabels: { '(415) 555-0101 ext. 12': 'studio' } });
    expect(relabelled.body.phoneLabels).toEqual({ '(415) 555-0101 ext. 12': 'studio' });
    // Lists stay small: labels are in the detail only.
    const list = await a.get('/api/contacts?q=lena');
    expect(list.body.items[0]).not.toHaveProperty('phoneLabels');

    for (const phone of ['call me maybe', '12', '+1 555 0101 0101 0101 0101', 'https://wa.me/1555']) {
      const res = await a.post('/api/contacts', { name: 'Bad Phone', phones: [phone] });
      expect(res.status, phone).toBe(400);
      expect(res.body.error.message).toMatch(/phone number/);
    }
    const long = await a.post('/api/contacts', {
      name: 'Long Label',
      emails: ['x@example.test'],
      emailLabels: { 'x@example.test': 'w'.repeat(41) },
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/at most 40 characters/);
  });

  it('creates a contact with every field and reads it back with ISO dates and tags', async () => {
    const yoga = await createTag(a, 'Yoga');
    const created = await createContact(a, {
      name: '  Maya Lind  ',
      emails: ['Maya@Example.com', 'maya@example.com'],
      phones: ['+46 70 123 45 67'],
      lifecycleStage: 'core_client',
      status: 'active',
      sentiment: 4,
      engagementTrend: 'rising',
      notes: 'Prefers mornings',
      customFields: { goal: 'flexibility', sessions: 12, isVip: true },
      socialHandles: { instagram: '@maya' },
      referralCount: 2,
      birthday: '1990-04-12',
      importantDates: [{ label: 'Started', date: '2024-01-15' }],
      keepInTouchDays: 10,
      lastContactAt: '2024-05-01T10:00:00+02:00',
      hasAiConsent: true,
      hasPhotoConsent: false,
      tagIds: [yoga, yoga],
    });
    expect(created).toMatchObject({
      name: 'Maya Lind',
      emails: ['maya@example.com'],
      lifecycleStage: 'core_client',
      sentiment: 4,
      customFields: { goal: 'flexibility', sessions: 12, isVip: true },
      birthday: '1990-04-12',
      lastContactAt: '2024-05-01T08:00:00.000Z',
      hasAiConsent: true,
      photoUrl: null,
      tags: [{ id: yoga, name: 'Yoga', color: '#0d9488' }],
      counts: { interactions: 0, goals: 0, openTasks: 0, insights: 0 },
    });
    expect(created.createdAt).toMatch(ISO_UTC);
    expect(created.updatedAt).toMatch(ISO_UTC);

    // The write's answer filled the per-user cache: reading it back costs no statement.
    const cached = await a.get(`/api/contacts/${created.id}`);
    expect(cached.status).toBe(200);
    expect(cached.headers['x-db-statements']).toBe('0');
    expect(cached.body).toEqual(created);
    // After any write of the user's, the first read is one statement again.
    await a.post('/api/contacts/bulk', { action: 'set_stage', ids: [created.id], stage: 'core_client' });
    const read = await a.get(`/api/contacts/${created.id}`);
    expect(read.headers['x-db-statements']).toBe('1');
    // The bulk change moved the contact to its next version (stale edits are refused after it).
    expect(read.body).toEqual({ ...created, updatedAt: read.body.updatedAt, version: 2 });
  });

  it('updates fields and replaces the tag set, and keeps tags when tagIds is absent', async () => {
    const [t1, t2, t3] = [await createTag(a, 'One'), await createTag(a, 'Two'), await createTag(a, 'Three')];
    const c = await createContact(a, { name: 'Noor', tagIds: [t1, t2] });

    const renamed = await a.patch(`/api/contacts/${c.id}`, { name: 'Noor B', notes: 'new note', sentiment: null });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Noor B', notes: 'new note', sentiment: null });
    expect(renamed.body.tags.map((x: { id: string }) => x.id).sort()).toEqual([t1, t2].sort());
    expect(Date.parse(renamed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(c.updatedAt));

    const retagged = await a.patch(`/api/contacts/${c.id}`, { tagIds: [t2, t3] });
    expect(retagged.body.tags.map((x: { name: string }) => x.name)).toEqual(['Three', 'Two']);

    const cleared = await a.patch(`/api/contacts/${c.id}`, { tagIds: [] });
    expect(cleared.body.tags).toEqual([]);
  });

  it("refuses another user's tag on update and changes nothing", async () => {
    const b = await signUp(t.app, 'crud-b');
    const bTag = await createTag(b, 'Private');
    const c = await createContact(a, { name: 'Kept' });
    const res = await a.patch(`/api/contacts/${c.id}`, { name: 'Changed', tagIds: [bTag] });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/tags do not exist/);
    expect((await a.get(`/api/contacts/${c.id}`)).body.name).toBe('Kept');
  });

  it('answers 404 for a contact that does not exist', async () => {
    const id = crypto.randomUUID();
    for (const res of [
      await a.get(`/api/contacts/${id}`),
      await a.patch(`/api/contacts/${id}`, { name: 'x' }),
      await a.delete(`/api/contacts/${id}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: 'Contact not found' });
    }
  });

  it('previews a delete with counts, then deletes with everything that hangs off the contact', async () => {
    const db = t.database.db;
    const tag = await createTag(a, 'Cascade');
    const c = await createContact(a, { name: 'Leaving', tagIds: [tag] });
    const keep = await createContact(a, { name: 'Staying', tagIds: [tag] });
    const userId = a.userId;
    const now = new Date();
    await db.insert(interactions).values([
      { userId, contactId: c.id, type: 'note', occurredAt: now },
      { userId, contactId: c.id, type: 'call', occurredAt: now },
      { userId, contactId: keep.id, type: 'call', occurredAt: now },
    ]);
    await db.insert(goals).values({ userId, contactId: c.id, title: 'Run 5k' });
    await db.insert(consents).values({ userId, contactId: c.id, purpose: 'ai_processing', isGranted: true, method: 'other' });
    const [doc] = await db
      .insert(documents)
      .values({ userId, externalId: crypto.randomUUID(), name: 'intake.pdf', mimeType: 'application/pdf' })
      .returning();
    await db.insert(documentContacts).values({ userId, documentId: doc!.id, contactId: c.id });
    await db.insert(aiInsights).values({ userId, contactId: c.id, kind: 'summary', content: {}, inputHash: 'h', model: 'm' });
    await db.insert(aiSuggestions).values({ userId, contactId: c.id, kind: 'stage', title: 'Promote' });
    const [photo] = await db
      .insert(contactPhotos)
      .values({ userId, contactId: c.id, sha256: 'x', width: 1, height: 1, byteSize: 1, data: Buffer.from([1]) })
      .returning({ id: contactPhotos.id });
    // The contact points at its photo and the photo at its contact: the delete must untangle both.
    await db.update(contacts).set({ photoId: photo!.id }).where(eq(contacts.id, c.id));
    const [task] = await db.insert(tasks).values({ userId, title: 'Follow up' }).returning({ id: tasks.id });
    await db.insert(taskContacts).values({ taskId: task!.id, contactId: c.id, userId });
    const [event] = await db
      .insert(calendarEvents)
      .values({ userId, externalId: crypto.randomUUID(), contactId: c.id, startsAt: now })
      .returning({ id: calendarEvents.id });
    const [email] = await db
      .insert(emails)
      .values({
        userId,
        gmailMessageId: crypto.randomUUID(),
        threadId: 't',
        contactId: c.id,
        direction: 'inbound',
        fromAddress: 'x@y.z',
        sentAt: now,
      })
      .returning({ id: emails.id });

    // Rows written straight to the database skip the services, so drop the user's cache as they would.
    await t.app.services.onChange(a.userId);
    const detail = await a.get(`/api/contacts/${c.id}`);
    expect(detail.body.counts).toEqual({ interactions: 2, goals: 1, openTasks: 1, insights: 1 });
    expect(detail.body.photoUrl).toBe(`/api/photos/${photo!.id}`);
    expect(detail.headers['x-db-statements']).toBe('1');

    const preview = await a.get(`/api/contacts/${c.id}/delete-preview`);
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toEqual({
      contact: { id: c.id, name: 'Leaving' },
      willDelete: {
        interactions: 2,
        goals: 1,
        photos: 1,
        consents: 1,
        documents: 1,
        aiInsights: 1,
        aiSuggestions: 1,
        tagLinks: 1,
        taskAssignments: 1,
        calendarEvents: 1,
        emails: 1,
      },
      willUnlink: {},
    });

    const removed = await a.delete(`/api/contacts/${c.id}`);
    expect(removed.status).toBe(204);
    expect((await a.get(`/api/contacts/${c.id}`)).status).toBe(404);
    expect((await a.get(`/api/contacts/${c.id}/delete-preview`)).status).toBe(404);
    expect((await a.delete(`/api/contacts/${c.id}`)).status).toBe(404);

    expect(await db.select().from(interactions).where(eq(interactions.contactId, c.id))).toEqual([]);
    expect(await db.select().from(goals).where(eq(goals.contactId, c.id))).toEqual([]);
    expect(await db.select().from(taskContacts).where(eq(taskContacts.contactId, c.id))).toEqual([]);
    expect(await db.select().from(contactTags).where(eq(contactTags.contactId, c.id))).toEqual([]);
    expect(await db.select().from(contactPhotos).where(eq(contactPhotos.contactId, c.id))).toEqual([]);
    expect(await db.select().from(tasks).where(eq(tasks.id, task!.id))).toHaveLength(1);
    // Erasure: the contact's emails and calendar events go with it.
    expect(await db.select().from(calendarEvents).where(eq(calendarEvents.id, event!.id))).toEqual([]);
    expect(await db.select().from(emails).where(eq(emails.id, email!.id))).toEqual([]);

    const other = await a.get(`/api/contacts/${keep.id}`);
    expect(other.body.counts.interactions).toBe(1);
    const tags = await a.get('/api/tags');
    expect(tags.body.items.find((x: { id: string }) => x.id === tag).contactCount).toBe(1);
  });
});

describe('bulk actions', () => {
  let a: Client;
  let b: Client;
  beforeAll(async () => {
    a = await signUp(t.app, 'bulk-a');
    b = await signUp(t.app, 'bulk-b');
  });

  it("acts on the caller's contacts and reports every other id as not found", async () => {
    const tag = await createTag(a, 'Bulk');
    const [c1, c2] = [await createContact(a, { name: 'One' }), await createContact(a, { name: 'Two' })];
    const bTag = await createTag(b, 'B bulk');
    const bContact = await createContact(b, { name: 'B one', tagIds: [bTag] });
    const bBefore = (await b.get(`/api/contacts/${bContact.id}`)).text;
    const random = crypto.randomUUID();
    const ids = [c1.id, c2.id, bContact.id, random];
    const others = [bContact.id, random].sort();

    const tagged = await a.post('/api/contacts/bulk', { action: 'tag', ids, tagIds: [tag] });
    expect(tagged.status, tagged.text).toBe(200);
    expect(tagged.body.action).toBe('tag');
    expect(tagged.body.affected.sort()).toEqual([c1.id, c2.id].sort());
    expect(tagged.body.notFound.sort()).toEqual(others);
    expect(await listIds(a, `tags=${tag}`)).toHaveLength(2);

    const again = await a.post('/api/contacts/bulk', { action: 'tag', ids: [c1.id, c1.id], tagIds: [tag] });
    expect(again.body.affected).toEqual([c1.id]);
    expect((await a.get(`/api/contacts/${c1.id}`)).body.tags).toHaveLength(1);

    const untagged = await a.post('/api/contacts/bulk', { action: 'untag', ids: [c1.id, bContact.id], tagIds: [tag, bTag] });
    expect(untagged.body.notFound).toEqual([bContact.id]);
    expect(await listIds(a, `tags=${tag}`)).toEqual([c2.id]);

    const staged = await a.post('/api/contacts/bulk', { action: 'set_stage', ids, stage: 'ambassador' });
    expect(staged.body.affected.sort()).toEqual([c1.id, c2.id].sort());
    expect((await listIds(a, 'stage=ambassador')).sort()).toEqual([c1.id, c2.id].sort());

    const deleted = await a.post('/api/contacts/bulk', { action: 'delete', ids });
    expect(deleted.body.affected.sort()).toEqual([c1.id, c2.id].sort());
    expect(deleted.body.notFound.sort()).toEqual(others);
    expect(await listIds(a, '')).toEqual([]);

    expect((await b.get(`/api/contacts/${bContact.id}`)).text).toBe(bBefore);
  });

  it("refuses to put another user's tag on contacts", async () => {
    const c = await createContact(a, { name: 'Solo' });
    const bTag = await createTag(b, 'Not yours');
    const res = await a.post('/api/contacts/bulk', { action: 'tag', ids: [c.id], tagIds: [bTag] });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ unknownTagIds: [bTag] });
    const stillB = await b.get('/api/tags');
    expect(stillB.body.items.find((x: { id: string }) => x.id === bTag).contactCount).toBe(0);
  });

  it('treats upper-case ids as the same ids', async () => {
    const tag = await createTag(a, 'Case');
    const c = await createContact(a, { name: 'Upper', tagIds: [tag.toUpperCase(), tag] });
    expect(c.tags.map((x) => x.id)).toEqual([tag]);
    const res = await a.post('/api/contacts/bulk', { action: 'untag', ids: [c.id.toUpperCase(), c.id], tagIds: [tag.toUpperCase()] });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ action: 'untag', affected: [c.id], notFound: [] });
    expect((await a.get(`/api/contacts/${c.id.toUpperCase()}`)).body.tags).toEqual([]);
  });

  it("answers 200 with everything not found when none of the ids is the caller's", async () => {
    const random = crypto.randomUUID();
    const res = await a.post('/api/contacts/bulk', { action: 'delete', ids: [random] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ action: 'delete', affected: [], notFound: [random] });
  });
});

describe('timestamps', () => {
  it('answers ISO 8601 in UTC everywhere, keeps birthdays as dates, and clears lastContactAt', async () => {
    const a = await signUp(t.app, 'dates');
    const c = await createContact(a, { name: 'Tz', lastContactAt: '2024-12-31T23:30:00.5-05:00', birthday: '2000-02-29' });
    expect(c.lastContactAt).toBe('2025-01-01T04:30:00.500Z');
    expect(c.birthday).toBe('2000-02-29');
    const list = await a.get('/api/contacts');
    for (const item of list.body.items as Contact[]) {
      expect(item.createdAt).toMatch(ISO_UTC);
      expect(item.updatedAt).toMatch(ISO_UTC);
    }
    const cleared = await a.patch(`/api/contacts/${c.id}`, { lastContactAt: null });
    expect(cleared.body.lastContactAt).toBeNull();
    const bad = await a.patch(`/api/contacts/${c.id}`, { lastContactAt: '31/12/2024' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.lastContactAt: must be an ISO 8601 date-time such as 2026-03-01T09:00:00Z/);
    // Year 0 does not exist in PostgreSQL; the API refuses it instead of failing on the insert.
    const yearZero = await a.patch(`/api/contacts/${c.id}`, { lastContactAt: '0000-01-01T00:00:00Z' });
    expect(yearZero.status).toBe(400);
    expect(yearZero.body.error.message).toMatch(/between 1900-01-01 and 2999-12-31/);
  });
});
