import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import sharp from 'sharp';
import { allContacts, contactFixtures, fixture, importFile, postForm } from '../support/imports.js';
import { postFile } from '../support/route-cases.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('export', () => {
  const files = contactFixtures;
  const comparable = (c: any) => ({
    name: c.name,
    emails: c.emails,
    phones: c.phones,
    birthday: c.birthday,
    importantDates: c.importantDates,
    notes: c.notes,
    customFields: c.customFields,
  });
  const sorted = (list: any[], view = comparable) => list.map(view).sort((x, y) => (x.name + x.emails).localeCompare(y.name + y.emails));
  // vCard also carries the labels of emails and phones.
  const withLabels = (c: any) => ({ ...comparable(c), emailLabels: c.emailLabels, phoneLabels: c.phoneLabels });

  it.each(['4.0', '3.0'])('vCard %s: every fixture exports and imports into a fresh user without loss', async (version) => {
    for (const f of files()) {
      const a = await signUp(t.app, 'exp');
      await importFile(a, fixture(f));
      const res = await a.get(`/api/contacts/export.vcf?version=${version}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/vcard');
      expect(res.text).toContain(`VERSION:${version}`);
      const fresh = await signUp(t.app, 'exp');
      const job = await importFile(fresh, Buffer.from(res.text));
      expect(job.report.failed, f).toBe(0);
      expect(sorted(await allContacts(fresh), withLabels), f).toEqual(sorted(await allContacts(a), withLabels));
    }
  });

  it.each(['4.0', '3.0'])('vCard %s: labels of every kind and the picture travel, and come back on import', async (version) => {
    const a = await signUp(t.app, 'exp-labels');
    const created = await a.post('/api/contacts', {
      name: 'Label Person',
      emails: ['home@example.test', 'work@example.test', 'studio@example.test'],
      emailLabels: { 'home@example.test': 'home', 'work@example.test': 'work', 'studio@example.test': 'Studio, Room 2' },
      phones: ['+44 20 7946 0018', '+44 7700 900123'],
      phoneLabels: { '+44 7700 900123': 'mobile' },
      hasPhotoConsent: true,
    });
    expect(created.status, created.text).toBe(201);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#39a' } })
      .png()
      .toBuffer();
    expect((await postFile(a, `/api/contacts/${created.body.id}/photos`, png)).status).toBe(201);
    const res = await a.get(`/api/contacts/export.vcf?version=${version}`);
    expect(res.text).toMatch(version === '4.0' ? /PHOTO:data:image\/webp;base64,/ : /PHOTO;ENCODING=b;TYPE=WEBP:/);
    const preview = await postForm(a, '/api/imports/preview', Buffer.from(res.text), {}, 'contacts.vcf');
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.rows[0].contact).toMatchObject({
      name: 'Label Person',
      hasPhoto: true,
      emailLabels: { 'home@example.test': 'home', 'work@example.test': 'work', 'studio@example.test': 'Studio, Room 2' },
      phoneLabels: { '+44 7700 900123': 'mobile' },
    });
    const fresh = await signUp(t.app, 'exp-labels');
    expect((await importFile(fresh, Buffer.from(res.text))).report.failed).toBe(0);
    const [copy] = await allContacts(fresh);
    expect(withLabels(copy)).toEqual(withLabels((await a.get(`/api/contacts/${created.body.id}`)).body));
  });

  it('CSV: every fixture exports and imports into a fresh user without loss', async () => {
    for (const f of files()) {
      const a = await signUp(t.app, 'exp');
      await importFile(a, fixture(f));
      const res = await a.get('/api/contacts/export.csv');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const fresh = await signUp(t.app, 'exp');
      const job = await importFile(fresh, Buffer.from(res.text));
      expect(job.report.failed, f).toBe(0);
      expect(sorted(await allContacts(fresh)), f).toEqual(sorted(await allContacts(a)));
    }
  });

  it('CSV: UTF-8 with BOM, RFC 4180 quoting, formula cells neutralised, the list filters and a selection', async () => {
    const a = await signUp(t.app, 'exp');
    const tag = await a.post('/api/tags', { name: 'Clients' });
    const evil = await a.post('/api/contacts', {
      name: '=HYPERLINK("http://x.test","click")',
      phones: ['+49 30 1234'],
      notes: 'line 1\n"quoted", comma',
      customFields: { Source: '@SUM(A1)', Other: '-2+3', Tab: '\tx' },
      tagIds: [tag.body.id],
    });
    await a.post('/api/contacts', { name: 'Plain Person', emails: ['plain@example.org'] });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/contacts/export.csv',
      headers: { cookie: [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = res.body.slice(1);
    expect(text.split('\r\n')[0]).toBe(
      'Name,E-mail Address,Phone,Birthday,Important Dates,Notes,Tags,Lifecycle Stage,Status,Custom: Other,Custom: Source,Custom: Tab',
    );
    expect(text).toContain(
      `"'=HYPERLINK(""http://x.test"",""click"")",,'+49 30 1234,,,"line 1\n""quoted"", comma",Clients,discovery,active,'-2+3,'@SUM(A1),'\tx\r\n`,
    );
    const filtered = await a.get(`/api/contacts/export.csv?tags=${tag.body.id}`);
    expect(filtered.text).not.toContain('Plain Person');
    const selected = await a.get(`/api/contacts/export.vcf?ids=${evil.body.id}`);
    expect(selected.text.match(/BEGIN:VCARD/g)).toHaveLength(1);
    expect((await a.get('/api/contacts/export.csv?stage=nonsense')).status).toBe(400);
  });

  it("never contains another user's contacts, even when their ids are named", async () => {
    const a = await signUp(t.app, 'exp');
    const b = await signUp(t.app, 'exp');
    const theirs = await b.post('/api/contacts', { name: 'Secret B', emails: ['secret-b@example.org'] });
    await a.post('/api/contacts', { name: 'Mine A' });
    for (const url of ['/api/contacts/export.vcf', '/api/contacts/export.csv', `/api/contacts/export.vcf?ids=${theirs.body.id}`]) {
      const res = await a.get(url);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('Secret B');
      expect(res.text).not.toContain('secret-b');
    }
  });

  it('writes each contacts export to the audit log, with its format and no client data', async () => {
    const a = await signUp(t.app, 'exp-audit');
    const c = await a.post('/api/contacts', { name: 'Audit Person', emails: ['audit.person@example.test'] });
    expect((await a.get('/api/contacts/export.csv')).status).toBe(200);
    expect((await a.get(`/api/contacts/export.vcf?ids=${c.body.id}`)).status).toBe(200);
    const audit = await a.get('/api/audit?kind=export');
    expect(audit.status, audit.text).toBe(200);
    const entries = audit.body.items.filter((e: { action: string }) => e.action === 'export.contacts');
    expect(entries.map((e: { details: { format: string; selected: number | null } }) => e.details)).toEqual([
      { format: 'vcf', selected: 1 },
      { format: 'csv', selected: null },
    ]);
    expect(audit.text).not.toContain('Audit Person');
    expect(audit.text).not.toContain('audit.person@example.test');
  });
});
