import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import { DRIVE_TYPES, extractText } from '../../src/server/modules/google/drive-extract.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { tinyDocx, tinyPdf } from '../support/document-files.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';

/** Drive sync against the fake Google: extraction, linking under consent, changes feed, resync, isolation, the document routes. */

let t: TestApp;
let google: FakeGoogle;
beforeAll(async () => {
  google = await startFakeGoogle({ pageSize: 2 });
  t = await createTestApp(google.env());
});
afterAll(async () => {
  await t.close();
  await google.close();
});

const uid = () => crypto.randomUUID().slice(0, 8);

async function connectedUser(label: string) {
  const client = await signUp(t.app, label);
  const email = `d-${uid()}@gmail.test`;
  google.addUser({ email });
  google.authorizeAs(email);
  const start = await client.get('/api/google/connect?drive=true');
  expect(start.status, start.text).toBe(302);
  expect(new URL(String(start.headers.location)).searchParams.get('scope')).toContain('drive.readonly');
  const back = new URL(await google.approve(String(start.headers.location)));
  expect((await client.get(back.pathname + back.search)).status).toBe(302);
  expect((await client.get('/api/google')).body.services).toEqual({ calendar: false, gmail: false, drive: true });
  return { client, email };
}

async function contact(client: TestClient, name: string, emails: string[] = [], consent = true) {
  const created = await createContact(client, { name, emails });
  if (consent) {
    const res = await client.request('PUT', `/api/contacts/${created.id}/consents/document_ingestion`, { granted: true, method: 'form' });
    expect(res.status, res.text).toBe(200);
  }
  return created.id as string;
}

async function syncNow(client: TestClient) {
  const started = await client.post('/api/sync/drive');
  expect(started.status, started.text).toBe(202);
  for (let i = 0; i < 600; i++) {
    const res = await client.get('/api/sync');
    const drive = res.body.services.find((s: { service: string }) => s.service === 'drive');
    if (drive.status !== 'running') return drive;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the sync did not end');
}

/** Every document of the user with its links and write time: equal before and after = nothing written. */
const stateOf = (userId: string) =>
  queryRows<{ external_id: string; name: string; updated_at: string; links: string[] }>(
    t.database.db,
    sql`select d.external_id, d.name, d.updated_at::text,
          coalesce((select array_agg(l.contact_id::text order by l.contact_id) from document_contacts l where l.document_id = d.id), '{}') as links
        from documents d where d.user_id = ${userId} order by d.external_id`,
  );
const linksOf = async (userId: string) => Object.fromEntries((await stateOf(userId)).map((d) => [d.external_id, [...d.links].sort()]));
const downloads = (from: number) => google.requests.slice(from).filter((r) => r.query.alt === 'media' || r.path.endsWith('/export')).length;

describe('text extraction', () => {
  it('reads PDF, DOCX and text, collapses whitespace and caps the length', async () => {
    expect(await extractText(DRIVE_TYPES.pdf, tinyPdf(['Intake for Zoe Angstrom', 'Second (line)']))).toBe(
      'Intake for Zoe Angstrom\nSecond (line)',
    );
    expect(await extractText(DRIVE_TYPES.docx, await tinyDocx(['Plan for a@b.test', 'Fish & chips']))).toBe(
      'Plan for a@b.test\nFish & chips',
    );
    expect(await extractText(DRIVE_TYPES.text, Buffer.from('  a   b \n\n c '))).toBe('a b\nc');
    expect((await extractText(DRIVE_TYPES.text, Buffer.from('x'.repeat(LIMITS.drive.textChars + 10)))).length).toBe(LIMITS.drive.textChars);
    await expect(extractText(DRIVE_TYPES.pdf, Buffer.from('not a pdf'))).rejects.toThrow('could not be read');
  });
});

describe('Drive sync', () => {
  it('links documents to consenting contacts named or emailed in them, then follows the changes feed', async () => {
    const { client, email } = await connectedUser('drive-main');
    const zoe = await contact(client, 'Zoë Ångström');
    const annEmail = `ann-${uid()}@client.test`;
    const ann = await contact(client, 'Ann Lee', [annEmail]);
    const anne = await contact(client, 'Anne Leeds');
    const bob = await contact(client, 'Bob Stone', [], false);
    const files = {
      pdf: {
        id: `pdf-${uid()}`,
        name: 'Intake notes.pdf',
        mimeType: DRIVE_TYPES.pdf,
        content: tinyPdf(['Session with ZOE ANGSTROM', 'and Bob Stone']),
      },
      docx: {
        id: `docx-${uid()}`,
        name: 'Plan.docx',
        mimeType: DRIVE_TYPES.docx,
        content: await tinyDocx([`Write to ${annEmail} about the plan`]),
      },
      gdoc: { id: `gdoc-${uid()}`, name: 'Ann Lee - goals', mimeType: 'application/vnd.google-apps.document', content: 'Goals: run 5k' },
      nobody: { id: `txt-${uid()}`, name: 'shopping.txt', mimeType: DRIVE_TYPES.text, content: 'Annette Lee, Bob Stone' },
      image: { id: `img-${uid()}`, name: 'Zoë Ångström.png', mimeType: 'image/png', content: 'png' },
    };
    for (const f of Object.values(files)) google.putFile(email, { ...f, modifiedTime: '2026-11-01T10:00:00.000Z' });

    const first = await syncNow(client);
    expect(first).toMatchObject({ service: 'drive', enabled: true, status: 'idle', lastError: null });
    expect(first.stats).toMatchObject({ files: 4, read: 4, stored: 3 });
    // "Ann Lee" never links "Anne Leeds" or "Annette Lee"; Bob has no consent: in no link at all.
    expect(await linksOf(client.userId)).toEqual({ [files.docx.id]: [ann], [files.gdoc.id]: [ann], [files.pdf.id]: [zoe] });
    for (const id of [anne, bob]) expect((await client.get(`/api/contacts/${id}/documents`)).body.items).toEqual([]);

    const annDocs = await client.get(`/api/contacts/${ann}/documents?limit=1`);
    expect(annDocs.status).toBe(200);
    expect(annDocs.body.items).toHaveLength(1);
    expect(annDocs.body.nextCursor).toEqual(expect.any(String));
    const more = await client.get(`/api/contacts/${ann}/documents?limit=1&cursor=${encodeURIComponent(annDocs.body.nextCursor)}`);
    expect([...annDocs.body.items, ...more.body.items].map((d: { title: string }) => d.title).sort()).toEqual([
      'Ann Lee - goals',
      'Plan.docx',
    ]);
    expect(more.body.nextCursor).toBeNull();
    const pdfDoc = (await client.get(`/api/contacts/${zoe}/documents`)).body.items[0];
    expect(pdfDoc).toMatchObject({
      title: 'Intake notes.pdf',
      mimeType: DRIVE_TYPES.pdf,
      webUrl: `https://docs.example.test/${files.pdf.id}/view`,
      modifiedAt: '2026-11-01T10:00:00.000Z',
      snippet: 'Session with ZOE ANGSTROM\nand Bob Stone',
      contacts: [{ id: zoe, name: 'Zoë Ångström' }],
    });
    const detail = await client.get(`/api/documents/${pdfDoc.id}`);
    expect(detail.body).toMatchObject({ id: pdfDoc.id, text: 'Session with ZOE ANGSTROM\nand Bob Stone', textTruncated: false });

    // Search: title and text, accents and case ignored, every word.
    const found = async (q: string) =>
      ((await client.get(`/api/documents?q=${encodeURIComponent(q)}`)).body.items as { title: string }[]).map((d) => d.title).sort();
    expect(await found('ångström session')).toEqual(['Intake notes.pdf']);
    expect(await found('GOALS')).toEqual(['Ann Lee - goals']);
    expect(await found('plan')).toEqual(['Plan.docx']);
    expect(await found('shopping')).toEqual([]);

    // Twice with nothing changed: no download, no write.
    const before = await stateOf(client.userId);
    const mark = google.requests.length;
    const second = await syncNow(client);
    expect(second.stats).toMatchObject({ files: 0, stored: 0, removed: 0 });
    expect(downloads(mark)).toBe(0);
    expect(google.requests.slice(mark).some((r) => r.path === '/drive/v3/files')).toBe(false);
    expect(await stateOf(client.userId)).toEqual(before);

    // Changes: the PDF now names Ann instead, the DOCX goes to the trash, the text file now names Zoë.
    google.putFile(email, { ...files.pdf, content: tinyPdf(['Notes for Ann Lee']), modifiedTime: '2026-11-02T10:00:00.000Z' });
    google.removeFile(email, files.docx.id);
    google.putFile(email, { ...files.nobody, content: 'Call zoe ångström', modifiedTime: '2026-11-03T10:00:00.000Z' });
    const changesMark = google.requests.length;
    const third = await syncNow(client);
    expect(third.stats).toMatchObject({ files: 2, read: 2, stored: 2, removed: 1 });
    expect(google.requests.slice(changesMark).some((r) => r.path === '/drive/v3/files')).toBe(false);
    expect(await linksOf(client.userId)).toEqual({ [files.gdoc.id]: [ann], [files.nobody.id]: [zoe], [files.pdf.id]: [ann] });
  });

  it('runs the bounded listing again on an expired changes token: no duplicates, no re-reads, deleted files gone', async () => {
    const { client, email } = await connectedUser('drive-expired');
    const kim = await contact(client, 'Kim Park');
    const ids = Array.from({ length: 5 }, (_, i) => `f${i}-${uid()}`);
    for (const id of ids) google.putFile(email, { id, name: `${id}.txt`, mimeType: DRIVE_TYPES.text, content: `Kim Park ${id}` });
    expect((await syncNow(client)).stats).toMatchObject({ files: 5, stored: 5, pages: 3 });
    const before = await stateOf(client.userId);

    google.removeFile(email, ids[0]!, 'delete');
    google.expireChanges(email);
    const mark = google.requests.length;
    const resync = await syncNow(client);
    expect(resync).toMatchObject({ status: 'idle', lastError: null });
    expect(resync.stats).toMatchObject({ files: 4, unchanged: 4, read: 0, removed: 1 });
    const paths = google.requests.slice(mark).map((r) => r.path);
    expect(paths).toContain('/drive/v3/changes');
    expect(paths).toContain('/drive/v3/files');
    expect(downloads(mark)).toBe(0);
    expect(await stateOf(client.userId)).toEqual(before.slice(1));
    expect(Object.values(await linksOf(client.userId)).flat()).toEqual([kim, kim, kim, kim]);

    // The new token works: the next run reads the changes feed only.
    const next = google.requests.length;
    expect((await syncNow(client)).stats).toMatchObject({ files: 0 });
    expect(google.requests.slice(next).some((r) => r.path === '/drive/v3/files')).toBe(false);
  });

  it("never links one user's files to another user's contacts, and uses only the user's own token", async () => {
    const one = await connectedUser('drive-one');
    const two = await connectedUser('drive-two');
    const shared = `shared-${uid()}@client.test`;
    const c1 = await contact(one.client, 'Lena Berg', [shared]);
    const fileId = `same-${uid()}`;
    google.putFile(two.email, { id: fileId, name: 'Lena Berg.txt', mimeType: DRIVE_TYPES.text, content: `Mail ${shared}` });
    const mark = google.requests.length;
    await syncNow(two.client);
    await syncNow(one.client);
    const twos = new Set(google.accessTokensOf(two.email).map((x) => `Bearer ${x}`));
    const ones = new Set(google.accessTokensOf(one.email).map((x) => `Bearer ${x}`));
    const calls = google.requests.slice(mark).filter((r) => r.path.startsWith('/drive/'));
    expect(calls.every((r) => twos.has(String(r.headers.authorization)) || ones.has(String(r.headers.authorization)))).toBe(true);
    expect(calls.filter((r) => r.path.endsWith(fileId)).every((r) => twos.has(String(r.headers.authorization)))).toBe(true);
    expect(await stateOf(one.client.userId)).toEqual([]);
    expect(await stateOf(two.client.userId)).toEqual([]);
    expect((await one.client.get(`/api/contacts/${c1}/documents`)).body.items).toEqual([]);
  });

  it('removes the documents naming an erased contact', async () => {
    const { client, email } = await connectedUser('drive-erase');
    const mia = await contact(client, 'Mia Holm');
    const noah = await contact(client, 'Noah Lind');
    google.putFile(email, { id: `a-${uid()}`, name: 'a.txt', mimeType: DRIVE_TYPES.text, content: 'Mia Holm and Noah Lind' });
    google.putFile(email, { id: `b-${uid()}`, name: 'b.txt', mimeType: DRIVE_TYPES.text, content: 'Noah Lind alone' });
    await syncNow(client);
    expect(await stateOf(client.userId)).toHaveLength(2);
    expect((await client.request('DELETE', `/api/contacts/${mia}`)).status).toBe(204);
    const left = await stateOf(client.userId);
    expect(left.map((d) => d.name)).toEqual(['b.txt']);
    expect(left[0]!.links).toEqual([noah]);
  });

  it('retries a 429, records a run that failed for good as temporary with its counter, and recovers', async () => {
    const { client, email } = await connectedUser('drive-faults');
    await contact(client, 'Ola Nord');
    google.putFile(email, { id: `o-${uid()}`, name: 'o.txt', mimeType: DRIVE_TYPES.text, content: 'Ola Nord' });
    google.failNext(1, '429');
    expect(await syncNow(client)).toMatchObject({ status: 'idle', failures: 0, stats: { stored: 1 } });
    google.putFile(email, { id: `p-${uid()}`, name: 'p.txt', mimeType: DRIVE_TYPES.text, content: 'Ola Nord again' });
    // Three 503s in a row: the outbound client's attempts for one call are used up.
    google.failNext(3, '5xx');
    const failed = await syncNow(client);
    expect(failed).toMatchObject({ status: 'failed', failures: 1, lastError: { kind: 'temporary' } });
    expect(await syncNow(client)).toMatchObject({ status: 'idle', failures: 0, lastError: null, stats: { stored: 1 } });
    expect(await stateOf(client.userId)).toHaveLength(2);
  });

  it('answers 409 without Drive on, and 400/404 for bad document requests', async () => {
    const client = await signUp(t.app, 'drive-off');
    expect((await client.post('/api/sync/drive')).status).toBe(409);
    expect((await client.get('/api/documents?q=ab')).status).toBe(400);
    expect((await client.get('/api/documents?q=%20%20%20')).status).toBe(400);
    expect((await client.get('/api/documents/not-a-uuid')).status).toBe(400);
    expect((await client.get(`/api/documents/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await client.get(`/api/contacts/${crypto.randomUUID()}/documents`)).status).toBe(404);
    const own = await contact(client, 'Some One', [], false);
    expect((await client.get(`/api/contacts/${own}/documents?limit=0`)).status).toBe(400);
    expect((await client.get(`/api/contacts/${own}/documents`)).body).toEqual({ items: [], nextCursor: null });
    const statuses = (await client.get('/api/sync')).body.services.map((s: { service: string }) => s.service);
    expect(statuses).toEqual(['calendar', 'gmail', 'drive']);
  });
});
