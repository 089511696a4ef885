import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Response, TestClient } from './client.js';

export const FIXTURES = path.join(import.meta.dirname, '../fixtures/real-world');
export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
/** The contacts files of the real-world fixtures (the .ics files are calendars). */
export const contactFixtures = () => fs.readdirSync(FIXTURES).filter((f) => /\.(csv|vcf)$/.test(f));

/** POST multipart: the file and text fields, built by hand. */
export async function postForm(
  client: TestClient,
  url: string,
  file: Buffer,
  fields: Record<string, string> = {},
  filename = 'contacts.csv',
): Promise<Response> {
  if (!client.csrf) await client.get('/api/auth/csrf');
  const boundary = `----mcrm${crypto.randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  parts.push(file, Buffer.from(`\r\n--${boundary}--\r\n`));
  const res = await client.app.inject({
    method: 'POST',
    url,
    remoteAddress: client.remoteAddress,
    headers: {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': client.csrf,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: Buffer.concat(parts),
  });
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {}
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}

export async function importFile(client: TestClient, file: Buffer, fields: Record<string, string> = {}) {
  const started = await postForm(client, '/api/imports', file, fields);
  expect(started.status, started.text).toBe(202);
  for (let i = 0; i < 400; i++) {
    const job = await client.get(`/api/imports/${started.body.id}`);
    if (job.body.status === 'finished' || job.body.status === 'failed') return job.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the import did not finish');
}

export async function allContacts(client: TestClient) {
  const list = await client.get('/api/contacts?limit=200&sort=created');
  const details = [];
  for (const item of list.body.items) details.push((await client.get(`/api/contacts/${item.id}`)).body);
  return details;
}
export const byName = (contacts: any[], name: string) => contacts.find((c) => c.name === name);
