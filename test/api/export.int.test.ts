import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, calendarEvents, emails } from '../../src/server/db/schema/index.js';
import { queryRows } from '../../src/server/platform/db.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import { DERIVED_TABLES, EXPORT_TABLES } from '../../src/server/modules/export/export.repo.js';
import { FILE_DESCRIPTIONS } from '../../src/server/modules/export/export.service.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, TestClient } from '../support/client.js';
import { seedPractice } from '../../src/server/seed/seed-practice.js';
import { createContact, createTag } from '../support/contacts.js';
import { postFile } from '../support/route-cases.js';
import { getBytes, jsonl, readZip } from '../support/zip.js';

/** GET /api/export and GET /api/contacts/:id/export: what the archive holds, and for whom. */

type Client = Awaited<ReturnType<typeof signUp>>;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const png = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#4a7' } })
    .png()
    .toBuffer();

/** A small practice: two contacts with tags, timeline, goals, a task, a photo, an email and an event. */
async function practice(client: Client) {
  const tag = await createTag(client, `Tag ${crypto.randomUUID().slice(0, 6)}`);
  const anna = await createContact(client, { name: 'Anna Export', emails: ['anna@example.test'], tagIds: [tag], hasPhotoConsent: true });
  const ben = await createContact(client, { name: 'Ben Export', emails: ['ben@example.test'] });
  for (const [contact, subject] of [
    [anna.id, 'Anna first session'],
    [anna.id, 'Anna second session'],
    [ben.id, 'Ben session'],
  ] as const) {
    const res = await client.post('/api/interactions', {
      contactId: contact,
      type: 'meeting',
      subject,
      occurredAt: '2025-03-01T10:00:00.000Z',
    });
    expect(res.status, res.text).toBe(201);
  }
  expect((await client.post('/api/goals', { contactId: anna.id, title: 'Sleep better' })).status).toBe(201);
  expect((await client.post('/api/goals', { contactId: ben.id, title: 'Run 5k' })).status).toBe(201);
  const project = await client.post('/api/projects', { name: 'Intake' });
  const task = await client.post('/api/tasks', { title: 'Call Anna', projectId: project.body.id, contactIds: [anna.id] });
  expect(task.status, task.text).toBe(201);
  const photo = await postFile(client, `/api/contacts/${anna.id}/photos`, await png());
  expect(photo.status, photo.text).toBe(201);
  const db = t.database.db;
  await db.insert(emails).values({
    userId: client.userId,
    gmailMessageId: crypto.randomUUID(),
    threadId: 't1',
    contactId: anna.id,
    direction: 'inbound',
    fromAddress: 'anna@example.test',
    sentAt: new Date(),
  });
  await db
    .insert(calendarEvents)
    .values({ userId: client.userId, externalId: crypto.randomUUID(), contactId: ben.id, startsAt: new Date() });
  return { tag, anna, ben, photoId: photo.body.id as string, taskId: task.body.id as string };
}

describe('the list of exported tables', () => {
  it('covers every table with user rows in the database (a new table cannot be forgotten)', async () => {
    const rows = await queryRows<{ table_name: string }>(
      t.database.db,
      sql`select distinct table_name from information_schema.columns
          where table_schema = 'public' and (column_name = 'user_id' or table_name = 'users')`,
    );
    const inDatabase = rows.map((r) => r.table_name).sort();
    const covered = [...EXPORT_TABLES.map((x) => x.name), ...Object.keys(DERIVED_TABLES)].sort();
    expect(covered).toEqual(inDatabase);
  });

  it('describes every exported file in the README', () => {
    expect(EXPORT_TABLES.map((x) => x.name).filter((name) => !FILE_DESCRIPTIONS[name])).toEqual([]);
  });
});

describe('GET /api/export', () => {
  let a: Client;
  let b: Client;
  let aData: Awaited<ReturnType<typeof practice>>;
  let bData: Awaited<ReturnType<typeof practice>>;
  let files: Map<string, Buffer>;
  let res: Awaited<ReturnType<typeof getBytes>>;

  beforeAll(async () => {
    a = await signUp(t.app, 'export-a');
    b = await signUp(t.app, 'export-b');
    aData = await practice(a);
    bData = await practice(b);
    res = await getBytes(a, '/api/export');
    files = await readZip(res.bytes);
  });

  it('answers a dated ZIP attachment that is never cached', () => {
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="mindfulcrm-export-${new Date().toISOString().slice(0, 10)}.zip"`,
    );
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('holds a README and one JSON Lines file per table', () => {
    const readme = files.get('README.txt')!.toString();
    for (const table of EXPORT_TABLES) {
      expect(files.has(`${table.name}.jsonl`), table.name).toBe(true);
      expect(readme).toContain(`${table.name}.jsonl: `);
    }
  });

  it("holds every one of the account's rows, and only them", () => {
    const names = (file: string, key: string) => jsonl(files.get(file)).map((r) => r[key]);
    expect(names('contacts.jsonl', 'name').sort()).toEqual(['Anna Export', 'Ben Export']);
    expect(names('interactions.jsonl', 'subject').sort()).toEqual(['Anna first session', 'Anna second session', 'Ben session']);
    expect(names('goals.jsonl', 'title').sort()).toEqual(['Run 5k', 'Sleep better']);
    expect(names('tags.jsonl', 'id')).toEqual([aData.tag]);
    expect(names('contact_tags.jsonl', 'contact_id')).toEqual([aData.anna.id]);
    expect(names('tasks.jsonl', 'id')).toEqual([aData.taskId]);
    expect(names('task_contacts.jsonl', 'contact_id')).toEqual([aData.anna.id]);
    expect(names('emails.jsonl', 'from_address')).toEqual(['anna@example.test']);
    expect(names('calendar_events.jsonl', 'contact_id')).toEqual([aData.ben.id]);
    expect(names('users.jsonl', 'email')).toEqual([a.email]);
    // Sessions are rows in PostgreSQL, with or without Redis (which keeps a copy).
    expect(names('sessions.jsonl', 'user_agent')).toHaveLength(1);
    // B's records appear nowhere.
    const everything = [...files.values()].map((f) => f.toString('latin1')).join('\n');
    for (const id of [b.userId, bData.anna.id, bData.ben.id, bData.tag, bData.taskId, bData.photoId]) expect(everything).not.toContain(id);
  });

  it('leaves out secrets and search copies', () => {
    const users = jsonl(files.get('users.jsonl'));
    expect(Object.keys(users[0]!)).not.toContain('password_hash');
    expect(Object.keys(jsonl(files.get('sessions.jsonl'))[0]!)).not.toContain('id_hash');
    const contact = jsonl(files.get('contacts.jsonl'))[0]!;
    expect(Object.keys(contact)).not.toContain('search_text');
    expect(Object.keys(contact)).not.toContain('user_id');
    expect(Object.keys(jsonl(files.get('contact_photos.jsonl'))[0]!)).not.toContain('data');
  });

  it('holds the photos as image files', async () => {
    const photo = files.get(`photos/${aData.anna.id}/${aData.photoId}.webp`);
    expect(photo).toBeDefined();
    expect((await sharp(photo!).metadata()).format).toBe('webp');
  });

  it('is written to the audit log', async () => {
    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.userId} = ${a.userId} and ${auditLog.action} = 'export.account'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.entityId).toBe(a.userId);
  });

  it('needs a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/export' });
    expect(res.statusCode).toBe(401);
  });
});

describe('GET /api/contacts/:id/export', () => {
  let a: Client;
  let data: Awaited<ReturnType<typeof practice>>;
  beforeAll(async () => {
    a = await signUp(t.app, 'export-one');
    data = await practice(a);
  });

  it("holds one contact's records and their photos, in the same shape", async () => {
    const res = await getBytes(a, `/api/contacts/${data.anna.id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="mindfulcrm-contact-[0-9a-f]{8}-\d{4}-\d{2}-\d{2}\.zip"$/);
    const files = await readZip(res.bytes);
    expect(jsonl(files.get('contacts.jsonl')).map((r) => r.name)).toEqual(['Anna Export']);
    expect(
      jsonl(files.get('interactions.jsonl'))
        .map((r) => r.subject)
        .sort(),
    ).toEqual(['Anna first session', 'Anna second session']);
    expect(jsonl(files.get('goals.jsonl')).map((r) => r.title)).toEqual(['Sleep better']);
    expect(jsonl(files.get('tasks.jsonl')).map((r) => r.id)).toEqual([data.taskId]);
    expect(jsonl(files.get('tags.jsonl')).map((r) => r.id)).toEqual([data.tag]);
    expect(jsonl(files.get('emails.jsonl'))).toHaveLength(1);
    expect(jsonl(files.get('calendar_events.jsonl'))).toHaveLength(0);
    expect(files.has(`photos/${data.anna.id}/${data.photoId}.webp`)).toBe(true);
    // The account's own records are not part of one client's access request.
    for (const name of ['users.jsonl', 'sessions.jsonl', 'audit_log.jsonl', 'projects.jsonl']) expect(files.has(name), name).toBe(false);
    const everything = [...files.values()].map((f) => f.toString('latin1')).join('\n');
    expect(everything).not.toContain('Ben Export');
    expect(everything).not.toContain(data.ben.id);
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.userId} = ${a.userId} and ${auditLog.action} = 'export.contact'`);
    expect(audit.map((r) => r.entityId)).toEqual([data.anna.id]);
    expect(JSON.stringify(audit[0]!.details)).not.toContain('Anna');
  });

  it("answers 404 for another user's contact, as for one that does not exist", async () => {
    const other = await signUp(t.app, 'export-other');
    const res = await getBytes(other, `/api/contacts/${data.anna.id}/export`);
    expect(res.status).toBe(404);
    expect(res.json().error.message).toBe('Contact not found');
    expect((await getBytes(other, `/api/contacts/${crypto.randomUUID()}/export`)).json()).toMatchObject({
      error: { code: 'not_found', message: 'Contact not found' },
    });
  });
});

describe('the export limit', () => {
  it(`answers 429 after ${LIMITS.export.perUser} exports in the window, with a time to retry`, async () => {
    const a = await signUp(t.app, 'export-limit');
    for (let i = 0; i < LIMITS.export.perUser; i += 1) expect((await getBytes(a, '/api/export')).status).toBe(200);
    const refused = await getBytes(a, '/api/export');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json().error.code).toBe('rate_limited');
    // Another user is not affected.
    const other = await signUp(t.app, 'export-limit-other');
    expect((await getBytes(other, '/api/export')).status).toBe(200);
  });
});

describe('GET /api/export of an account larger than one page per table', () => {
  it('pages every table, composite keys included, and holds every row once', async () => {
    const seeded = await seedPractice(t.database, {
      users: 1,
      contactsPerUser: Math.ceil(LIMITS.export.pageRows * 1.5),
      interactionsPerContact: 2,
      emailPrefix: `export-pages-${crypto.randomUUID().slice(0, 8)}`,
      analyze: false,
    });
    const client = new TestClient(t.app);
    const login = await client.post('/api/auth/login', { email: seeded.users[0]!.email, password: seeded.password });
    expect(login.status, login.text).toBe(200);
    const res = await getBytes(client, '/api/export');
    expect(res.status).toBe(200);
    const files = await readZip(res.bytes);
    for (const table of ['contacts', 'interactions', 'contact_tags', 'goals']) {
      const rows = jsonl(files.get(`${table}.jsonl`));
      expect(rows.length, table).toBe(seeded.rows[table]);
      // Each row once: the pages neither overlap nor skip.
      const keys = rows.map((r) => JSON.stringify(table === 'contact_tags' ? [r.contact_id, r.tag_id] : r.id));
      expect(new Set(keys).size, table).toBe(rows.length);
    }
    expect(seeded.rows.contact_tags).toBeGreaterThan(LIMITS.export.pageRows);
    await t.database.db.execute(sql`delete from users where id = ${seeded.users[0]!.id}`);
  }, 120_000);
});
