import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { postFile } from '../support/route-cases.js';
import { getBytes, readZip } from '../support/zip.js';

/** Consent evidence: a file uploaded for a contact, named by the ledger entries that rest on it. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const upload = (client: Awaited<ReturnType<typeof signUp>>, contactId: string, bytes: Buffer, filename = 'intake form.pdf') =>
  postFile(client, `/api/contacts/${contactId}/consents/evidence`, bytes, { filename, contentType: 'application/octet-stream' });

describe('consent evidence files', () => {
  it('keeps a file, names it in an entry, shows it in the state and history, and gives it back byte for byte', async () => {
    const a = await signUp(t.app, 'evidence');
    const anna = await createContact(a, { name: 'Anna Evidence' });
    const up = await upload(a, anna.id, pdf, 'Formulaire signé – Anna.pdf');
    expect(up.status, up.text).toBe(201);
    expect(up.body).toMatchObject({
      contactId: anna.id,
      filename: 'Formulaire signé – Anna.pdf',
      mimeType: 'application/pdf',
      byteSize: pdf.length,
    });

    const put = await a.request('PUT', `/api/contacts/${anna.id}/consents/ai_processing`, {
      granted: true,
      method: 'form',
      evidenceId: up.body.id,
    });
    expect(put.status, put.text).toBe(200);
    const state = put.body.purposes.find((p: { purpose: string }) => p.purpose === 'ai_processing');
    expect(state).toMatchObject({
      granted: true,
      evidence: { id: up.body.id, filename: 'Formulaire signé – Anna.pdf', mimeType: 'application/pdf' },
    });
    const history = await a.get(`/api/contacts/${anna.id}/consents/history`);
    expect(history.body.items[0].evidence.id).toBe(up.body.id);

    const file = await getBytes(a, `/api/contacts/${anna.id}/consents/evidence/${up.body.id}`);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(pdf)).toBe(true);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="Formulaire sign_ _ Anna.pdf"; filename*=UTF-8''${encodeURIComponent('Formulaire signé – Anna.pdf')}`,
    );
    expect(file.headers['x-content-type-options']).toBe('nosniff');
  });

  it('reads the type from the content: images and text are kept, anything else is refused with 415', async () => {
    const a = await signUp(t.app, 'evidence-types');
    const ben = await createContact(a, { name: 'Ben Evidence' });
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123' } })
      .png()
      .toBuffer();
    expect((await upload(a, ben.id, png, 'scan.pdf')).body.mimeType).toBe('image/png');
    expect((await upload(a, ben.id, Buffer.from('Verbal consent on the phone, 3 March ✓\n'), 'note.txt')).body.mimeType).toBe(
      'text/plain; charset=utf-8',
    );
    const exe = await upload(a, ben.id, Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]), 'form.pdf');
    expect(exe.status).toBe(415);
    expect(exe.body.error.message).toMatch(/PDF, an image/);
    expect((await upload(a, ben.id, Buffer.alloc(0))).status).toBe(400);
    const big = await upload(a, ben.id, Buffer.concat([pdf, Buffer.alloc(LIMITS.consent.evidenceBytes)]));
    expect(big.status).toBe(413);
    // A path in the name is not kept.
    expect((await upload(a, ben.id, pdf, '../../etc/passwd')).body.filename).toBe('passwd');
  });

  it("is one contact's: another contact's or another user's file cannot be named or read", async () => {
    const a = await signUp(t.app, 'evidence-own');
    const b = await signUp(t.app, 'evidence-other');
    const mine = await createContact(a, { name: 'Mine' });
    const other = await createContact(a, { name: 'Other of mine' });
    const theirs = await createContact(b, { name: 'Theirs' });
    const own = await upload(a, mine.id, pdf);
    const foreign = await upload(b, theirs.id, pdf);
    expect((await upload(a, theirs.id, pdf)).status).toBe(404);
    const wrongContact = await a.request('PUT', `/api/contacts/${other.id}/consents/ai_processing`, {
      granted: true,
      method: 'form',
      evidenceId: own.body.id,
    });
    expect(wrongContact.status).toBe(400);
    expect(wrongContact.body.error.message).toMatch(/not one of this contact/);
    const foreignFile = await a.request('PUT', `/api/contacts/${mine.id}/consents/ai_processing`, {
      granted: true,
      method: 'form',
      evidenceId: foreign.body.id,
    });
    expect(foreignFile.status).toBe(400);
    expect((await a.get(`/api/contacts/${theirs.id}/consents/evidence/${foreign.body.id}`)).status).toBe(404);
    expect((await a.get(`/api/contacts/${mine.id}/consents/evidence/${foreign.body.id}`)).status).toBe(404);
  });

  it('goes with the contact: moved by a merge, exported as a file, erased with the contact', async () => {
    const a = await signUp(t.app, 'evidence-life');
    const kept = await createContact(a, { name: 'Kept Evidence', emails: ['kept-evidence@example.test'] });
    const twin = await createContact(a, { name: 'Twin Evidence', emails: ['kept-evidence@example.test'] });
    const up = await upload(a, twin.id, pdf, 'twin.pdf');
    expect(
      (
        await a.request('PUT', `/api/contacts/${twin.id}/consents/email_ingestion`, {
          granted: true,
          method: 'form',
          evidenceId: up.body.id,
        })
      ).status,
    ).toBe(200);

    const merge = await a.post('/api/contacts/merge', { primaryId: kept.id, contactIds: [twin.id] });
    expect(merge.status, merge.text).toBe(200);
    expect((await getBytes(a, `/api/contacts/${kept.id}/consents/evidence/${up.body.id}`)).bytes.equals(pdf)).toBe(true);

    const zip = await readZip((await getBytes(a, '/api/export')).bytes);
    expect(zip.get(`consent-evidence/${kept.id}/${up.body.id}-twin.pdf`)?.equals(pdf)).toBe(true);
    expect(zip.get('consent_evidence.jsonl')!.toString()).not.toContain('"data"');

    expect((await a.delete(`/api/contacts/${kept.id}`)).status).toBe(204);
    const left = await t.database.db.execute(sql`select count(*)::int as n from consent_evidence where user_id = ${a.userId}`);
    expect((left as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });
});
