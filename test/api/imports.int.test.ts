import crypto from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { allContacts, byName, contactFixtures, fixture, importFile, postForm } from '../support/imports.js';
import { requestContext } from '../../src/server/platform/request-context.js';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/server/platform/db.js';
import { createImportsRepo } from '../../src/server/modules/imports/imports.repo.js';
import { createJobRunner } from '../../src/server/platform/jobs.js';
import type { JobDeps } from '../../src/server/app-jobs.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('contacts fixtures import with the values in the file', () => {
  it('Google Contacts CSV: quoted newlines, doubled quotes, " ::: " lists', async () => {
    const a = await signUp(t.app, 'imp');
    const job = await importFile(a, fixture('google-contacts.csv'));
    expect(job.report).toMatchObject({ created: 1, updated: 0, skipped: 0, failed: 0 });
    const [c] = await allContacts(a);
    expect(c.name).toBe('Prefix Firstname Middle Lastname Suffix');
    expect(c.emails).toEqual(['home@aaa.pl', 'work@email.pl', 'unknown@email.com', 'other@email.com']);
    // The file's phone cells are placeholders ("mobile", "workphone"): left out, each with a warning.
    expect(c.phones).toEqual([]);
    expect(job.report.warnings).toContainEqual(expect.objectContaining({ field: 'phone', reason: 'is not a phone number' }));
    expect(c.birthday).toBe('1975-12-12');
    expect(c.notes).toBe('note"note');
    expect(c.customFields['Address 1 - Formatted']).toBe('home_street\nhome_pobox\nhome_city, home_state home_zip\nhome_country');
    expect(c.customFields).toMatchObject({ Organization: 'company', Title: 'jobtitle' });
  });

  it('German Outlook CSV: Vorname/Nachname/E-Mail-Adresse, a row named by its company', async () => {
    const a = await signUp(t.app, 'imp');
    const job = await importFile(a, fixture('outlook-2007-german-contacts.csv'));
    expect(job.report).toMatchObject({ created: 2, failed: 0 });
    const contacts = await allContacts(a);
    expect(byName(contacts, 'Vorname Nachname')).toMatchObject({
      emails: ['email@example.org'],
      customFields: { Organization: 'Firma', Title: 'Pressestelle' },
    });
    // The real number is kept; the placeholders ("tel_work", "tel_car"…) are not phone numbers.
    expect(byName(contacts, 'Vorname Nachname').phones).toEqual(['+4923782112']);
    expect(job.report.warnings.filter((w: { field: string }) => w.field === 'phone')).toHaveLength(5);
    expect(byName(contacts, 'The Firm')).toMatchObject({ phones: ['+4983242332'], birthday: null });
  });

  it('semicolons in Windows-1252', async () => {
    const a = await signUp(t.app, 'imp');
    const preview = await postForm(a, '/api/imports/preview', fixture('semicolon-windows1252-contacts.csv'));
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';', total: 4 });
    expect(preview.body.columns.map((c: any) => c.field)).toEqual(['firstName', 'lastName', 'email']);
    expect(preview.body.columns[0].samples).toEqual(['Peter', 'Maja', 'ÖzdemirÖ']);
    const job = await importFile(a, fixture('semicolon-windows1252-contacts.csv'));
    expect(job.report).toMatchObject({ created: 4, failed: 0 });
    const contacts = await allContacts(a);
    expect(byName(contacts, 'ÖzdemirÖ Üglü').emails).toEqual(['oezdemir@ueglue.tu']);
  });

  it('Android vCard 2.1: quoted-printable UTF-8 with soft breaks, several phones, a photo counted without consent', async () => {
    const a = await signUp(t.app, 'imp');
    const job = await importFile(a, fixture('android-v21-quoted-printable-utf8-photo.vcf'));
    expect(job.report).toMatchObject({ created: 6, failed: 0, photosStored: 0, photosSkipped: 1 });
    const contacts = await allContacts(a);
    expect(byName(contacts, 'Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ').phones).toEqual(['123456', '234567', '3456789', '45678901']);
    expect(byName(contacts, 'Ñ Ñ Ñ Ñ').emails).toEqual(['bob@company.com']);
    expect(byName(contacts, 'john.doe@company.com').emails).toEqual(['john.doe@company.com']);
  });

  it('Outlook vCard 2.1: N with commas, BDAY, X-MS-ANNIVERSARY, a note with commas, addresses', async () => {
    const a = await signUp(t.app, 'imp');
    const job = await importFile(a, fixture('outlook-v21-photo-qp-label.vcf'));
    expect(job.report).toMatchObject({ created: 1, failed: 0, photosSkipped: 1 });
    const [c] = await allContacts(a);
    expect(c).toMatchObject({
      name: 'Mr. John Richter James Doe Sr.',
      emails: ['john.doe@ibm.cm'],
      phones: ['(905) 555-1234', '(905) 666-1234'],
      birthday: '1980-03-22',
      importantDates: [{ label: 'Anniversary', date: '2011-01-13' }],
    });
    expect(c.notes).toMatch(
      /^THIS SOFTWARE IS PROVIDED BY GEORGE EL-HADDAD ''AS IS'' AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT/,
    );
    expect(c.customFields['Address (work)']).toBe('Cresent moon drive, Albaney, New York, 12345, United States of America');
  });

  it('iPhone vCard 3.0 (CR CR LF lines, a large folded photo)', async () => {
    const a = await signUp(t.app, 'imp');
    const job = await importFile(a, fixture('iphone-ios5-v3-photo.vcf'));
    expect(job.report).toMatchObject({ created: 1, failed: 0, photosSkipped: 1 });
    const [c] = await allContacts(a);
    expect(c.phones).toHaveLength(7);
    expect(c).toMatchObject({ name: 'Mr. John Richter James Doe Sr.', emails: ['john.doe@ibm.com'], birthday: '2012-06-06' });
  });

  it('Google vCard 3.0: X-ABDATE with Apple labels becomes important dates', async () => {
    const a = await signUp(t.app, 'imp');
    const job = await importFile(a, fixture('google-contacts-v3-custom-labels.vcf'));
    expect(job.report).toMatchObject({ created: 1, failed: 0 });
    const [c] = await allContacts(a);
    expect(c.emails).toHaveLength(5);
    expect(c.phones).toHaveLength(11);
    expect(c.birthday).toBe('1912-06-23');
    expect(c.importantDates).toEqual([
      { label: 'Anniversary', date: '1930-03-20' },
      { label: 'CustomDateCategory', date: '2000-09-12' },
    ]);
    // X-ABDATE:1776-07-04 is before the dates the product keeps: left out, with a warning.
    expect(job.report.warnings).toEqual([{ line: 1, field: 'Date', reason: 'must be between 1900-01-01 and 2999-12-31' }]);
    expect(c.notes).toBe('note line 1\nnote line 2\nCustomField: field value');
  });

  it('Apple vCard 3.0: escaped commas and semicolons, a bad email left out with a warning', async () => {
    const a = await signUp(t.app, 'imp');
    const job = await importFile(a, fixture('apple-addressbook-macos-v3-item-labels.vcf'));
    expect(job.report).toMatchObject({ created: 1, failed: 0 });
    expect(job.report.warnings.filter((w: any) => w.field === 'email')).toHaveLength(2);
    const [c] = await allContacts(a);
    expect(c.name).toBe('Vorname Nachname');
    expect(c.emails).toEqual(['l.kneschke@metaways.de', 'lars@kneschke.de']);
    expect(c.notes).toBe('Notes\nwith\nLine Break and , and ; yeah!');
    expect(c.customFields.Organization).toBe('ORGANI,SATION, UN;IT');
  });

  it('UTF-16BE without a BOM', async () => {
    const a = await signUp(t.app, 'imp');
    const preview = await postForm(a, '/api/imports/preview', fixture('apple-addressbook-v3-utf16be-no-bom.vcf'));
    expect(preview.body).toMatchObject({ format: 'vcard', encoding: 'utf-16be', total: 1 });
    const job = await importFile(a, fixture('apple-addressbook-v3-utf16be-no-bom.vcf'));
    expect(job.report).toMatchObject({ created: 1, failed: 0 });
    const [c] = await allContacts(a);
    expect(c.name).toBe('Ǽgean ĽdaMonté');
    expect(c.customFields['Address (work)']).toBe('169 Mária Canal, LaPaz, Conceptión, 245-876, Perú');
  });

  it('Nextcloud vCard 4.0: FN only, empty TEL and ADR', async () => {
    const a = await signUp(t.app, 'imp');
    const job = await importFile(a, fixture('nextcloud-contacts-v4-multiple.vcf'));
    expect(job.report).toMatchObject({ created: 7, failed: 0 });
    const contacts = await allContacts(a);
    expect(byName(contacts, 'Jane Smith')).toMatchObject({ emails: ['jane@example.org'], phones: ['+1 315-739-0311'] });
    expect(byName(contacts, 'Terrence Alex Field')).toMatchObject({ emails: ['terrence@example.com'], phones: [] });
  });
});

describe('duplicates', () => {
  it('importing every contacts file a second time changes nothing', async () => {
    const files = contactFixtures();
    expect(files).toHaveLength(10);
    for (const f of files) {
      // One user per file: two files may hold the same person (the Outlook and iPhone cards do).
      const a = await signUp(t.app, 'imp');
      await importFile(a, fixture(f));
      const before = await allContacts(a);
      for (const duplicates of ['skip', 'update']) {
        const job = await importFile(a, fixture(f), { duplicates });
        expect(job.report.created, f).toBe(0);
        expect(job.report.updated, `${f} ${duplicates}`).toBe(0);
      }
      expect(await allContacts(a), f).toEqual(before);
    }
  });

  it('matches by any email or normalised phone; update adds what is new, create makes another', async () => {
    const a = await signUp(t.app, 'imp');
    const existing = await a.post('/api/contacts', { name: 'Ann Existing', emails: ['ann@example.org'], phones: ['+49 (30) 1234-567'] });
    const csv = Buffer.from(
      'Name,E-mail Address,Mobile Phone,Birthday\nAnn From File,ANN@example.org,,1980-02-03\nByPhone,,0049301234567,\n',
    );
    const skip = await importFile(a, csv);
    expect(skip.report).toMatchObject({ created: 0, skipped: 2 });
    const update = await importFile(a, csv, { duplicates: 'update' });
    expect(update.report).toMatchObject({ created: 0, updated: 1, skipped: 1 });
    const after = (await a.get(`/api/contacts/${existing.body.id}`)).body;
    expect(after).toMatchObject({ name: 'Ann Existing', birthday: '1980-02-03', emails: ['ann@example.org'] });
    const create = await importFile(a, csv, { duplicates: 'create' });
    expect(create.report).toMatchObject({ created: 2 });
  });

  it('tags everyone imported', async () => {
    const a = await signUp(t.app, 'imp');
    const tag = await a.post('/api/tags', { name: 'Imported' });
    const job = await importFile(a, fixture('nextcloud-contacts-v4-multiple.vcf'), { tagIds: tag.body.id });
    expect(job.report.created).toBe(7);
    const tagged = await a.get(`/api/contacts?tags=${tag.body.id}&limit=50`);
    expect(tagged.body.items).toHaveLength(7);
  });
});

describe('broken rows fail alone', () => {
  it('a CSV with a 1 MB cell, a row without a name and a bad date imports its good rows', async () => {
    const a = await signUp(t.app, 'imp');
    const big = 'x'.repeat(1024 * 1024);
    const csv = Buffer.from(
      `Name,Email,Notes,Birthday\nGood One,good@example.org,,31.12.1980\nHuge,huge@example.org,${big},\n,,only a note,\nBad Date,bad@example.org,,2020-02-30\n`,
    );
    const job = await importFile(a, csv);
    expect(job.report).toMatchObject({ created: 2, failed: 2 });
    expect(job.report.failures).toEqual([
      { line: 3, field: 'Notes', reason: 'is longer than 64 KB' },
      { line: 4, field: 'name', reason: 'has no name, organisation, email or phone' },
    ]);
    expect(job.report.warnings).toEqual([{ line: 5, field: 'birthday', reason: 'is not a real calendar date' }]);
    expect(job.report.failures.some((f: any) => JSON.stringify(f).includes('xxxx'))).toBe(false);
    const contacts = await allContacts(a);
    expect(byName(contacts, 'Good One').birthday).toBe('1980-12-31');
  });

  it('a vCard with a 20 MB photo fails alone', async () => {
    const a = await signUp(t.app, 'imp');
    const photo = crypto.randomBytes(20 * 1024 * 1024).toString('base64');
    const vcf = Buffer.from(
      `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\nPHOTO;ENCODING=b;TYPE=JPEG:${photo}\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Small One\r\nEMAIL:small@example.org\r\nEND:VCARD\r\n`,
    );
    const job = await importFile(a, vcf);
    expect(job.report).toMatchObject({ created: 1, failed: 1 });
    expect(job.report.failures[0]).toMatchObject({ line: 1, field: 'card' });
  });

  it('stores a photo through the photo pipeline when the matched contact has photo consent', async () => {
    const a = await signUp(t.app, 'imp');
    const c = await a.post('/api/contacts', { name: 'Pat', emails: ['pat@example.org'], hasPhotoConsent: true });
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#3a6' } })
      .jpeg()
      .toBuffer();
    const vcf = Buffer.from(
      `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Pat\r\nEMAIL:pat@example.org\r\nPHOTO:data:image/jpeg;base64,${jpeg.toString('base64')}\r\nEND:VCARD\r\n`,
    );
    const job = await importFile(a, vcf, { duplicates: 'update' });
    expect(job.report).toMatchObject({ skipped: 1, photosStored: 1 });
    expect((await a.get(`/api/contacts/${c.body.id}`)).body.photoUrl).not.toBeNull();
  });
});

describe('bad requests', () => {
  it('answers 4xx a person can act on', async () => {
    const a = await signUp(t.app, 'imp');
    expect((await a.post('/api/imports', {})).status).toBe(415);
    expect((await postForm(a, '/api/imports', Buffer.alloc(0))).status).toBe(400);
    const notContacts = await postForm(a, '/api/imports/preview', Buffer.from('{"contacts": []}'));
    expect(notContacts.status).toBe(400);
    expect(notContacts.body.error.message).toMatch(/not a CSV, vCard or iCalendar/);
    const badMapping = await postForm(a, '/api/imports', Buffer.from('Name\nA\n'), { mapping: '["name","email"]' });
    expect(badMapping.status).toBe(400);
    expect((await postForm(a, '/api/imports', Buffer.from('Name\nA\n'), { duplicates: 'merge' })).status).toBe(400);
    expect((await a.get(`/api/imports/${crypto.randomUUID()}`)).status).toBe(404);
    const someoneElses = await postForm(a, '/api/imports', Buffer.from('Name\nA\n'), { tagIds: crypto.randomUUID() });
    expect(someoneElses.status).toBe(422);
    expect(someoneElses.body.error.message).toMatch(/tags do not exist/);
  });

  it('a custom mapping is used', async () => {
    const a = await signUp(t.app, 'imp');
    const csv = Buffer.from('Col A,Col B\nMira,mira@example.org\n');
    const preview = await postForm(a, '/api/imports/preview', csv, { mapping: '["name","email"]' });
    expect(preview.body.rows[0].contact).toMatchObject({ name: 'Mira', emails: ['mira@example.org'] });
    const job = await importFile(a, csv, { mapping: '["name","email"]' });
    expect(job.report.created).toBe(1);
  });
});

describe('progress and audit', () => {
  it('streams progress as server-sent events, and audits start and finish', async () => {
    const a = await signUp(t.app, 'imp');
    const job = await importFile(a, fixture('nextcloud-contacts-v4-multiple.vcf'));
    const events = await a.get(`/api/imports/${job.id}/events`);
    expect(events.headers['content-type']).toContain('text/event-stream');
    expect(events.text).toContain('event: progress\ndata: {"processed":7,"total":7}');
    expect(events.text).toContain('event: done');
  });
});

describe('progress events when the import goes away', () => {
  it('end with an "error" event, not a stream left open', async () => {
    const a = await signUp(t.app, 'imp-gone');
    // A queued import that nothing runs, then deleted while its progress is being streamed.
    const id = await createImportsRepo(t.database.db, async () => {}).insert(a.userId, {
      filename: 'waiting.csv',
      format: 'csv',
      file: Buffer.from('Name\nAnaïs\n'),
      mapping: null,
      tagIds: [],
      duplicates: 'skip',
      total: 0,
    });
    const streamed = a.get(`/api/imports/${id}/events`);
    await new Promise((r) => setTimeout(r, 50));
    await queryRows(t.database.db, sql`delete from imports where id = ${id}`);
    const events = await streamed;
    expect(events.status).toBe(200);
    expect(events.text).toContain('event: progress\ndata: {"processed":0,"total":0}');
    expect(events.text).toContain('event: error\ndata: {"message":"The job is gone."}');
  });
});

describe('batching', () => {
  it('writes 600 rows in a few statements per batch of 200, not one per row', async () => {
    const a = await signUp(t.app, 'imp');
    const rows = Array.from({ length: 600 }, (_, i) => `Person ${i},person${i}@example.org,+49 30 ${100000 + i}`);
    const csv = Buffer.from(`Name,E-mail Address,Mobile Phone\n${rows.join('\n')}\n`);
    // The run inherits this context (it starts from the call), so every statement it issues is counted here.
    const ctx = { requestId: 'import-batching', statements: 0, authStatements: 0 };
    const { id } = await requestContext.run(ctx, () =>
      t.app.services.imports.start({ userId: a.userId, sessionIdHash: '' }, csv, 'big.csv', { duplicates: 'skip' }),
    );
    let job: any;
    for (let i = 0; i < 400 && job?.status !== 'finished'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = (await a.get(`/api/imports/${id}`)).body;
    }
    expect(job.report).toMatchObject({ created: 600, failed: 0 });
    expect(ctx.statements).toBeGreaterThan(0);
    // 15 on PGlite, 25 on PostgreSQL (which counts the transactions' BEGIN and COMMIT); one per row would be 600+.
    expect(ctx.statements).toBeLessThanOrEqual(40);
  });
});

describe('when the import cannot be queued', () => {
  it('answers 503 with Retry-After, and the import ends as failed instead of waiting forever', async () => {
    // A job runner that never started: every send fails, as when the queue's database is unreachable.
    const runner = createJobRunner<JobDeps>({
      database: t.database,
      databaseUrl: process.env.DATABASE_URL,
      log: pino({ level: 'silent' }),
    });
    const queued = await createTestApp({}, t.database, { jobs: runner });
    try {
      const a = await signUp(queued.app, 'imp-unqueued');
      const res = await postForm(a, '/api/imports', Buffer.from('Name,Email\nInès Café ☕,ines@example.org\n'));
      expect(res.status, res.text).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect((res.body as { error: { message: string } }).error.message).toMatch(/could not be queued.*Try again/);
      // There is no list of imports: the row is found in the database, then read through the API.
      const rows = await queryRows<{ id: string }>(t.database.db, sql`select id from imports where user_id = ${a.userId}`);
      expect(rows).toHaveLength(1);
      const job = await a.get(`/api/imports/${rows[0]!.id}`);
      expect(job.body).toMatchObject({ status: 'failed' });
      expect(job.body.report.failures[0].reason).toMatch(/could not be queued/);
      expect(await allContacts(a)).toEqual([]);
    } finally {
      await queued.close();
    }
  });
});
