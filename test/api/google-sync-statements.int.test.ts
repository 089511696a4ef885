import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database } from '../../src/server/platform/db.js';
import { openTestDatabase } from '../support/embedded-template.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import { requestContext } from '../../src/server/platform/request-context.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { statementCounter, writes } from '../support/statements.js';

/**
 * What a calendar sync costs in statements, by kind: one write statement per page of events (not
 * per event), and a run with nothing changed at Google writes no data at all (only the status row
 * saying it ran). The sync's statements are told from requests' by the request context.
 */

let t: TestApp;
let db: Database;
let google: FakeGoogle;
const counter = statementCounter();

beforeAll(async () => {
  google = await startFakeGoogle({ pageSize: 3 });
  db = await openTestDatabase({
    databaseUrl: process.env.DATABASE_URL || undefined,
    poolSize: 4,
    statementTimeoutMs: LIMITS.database.statementMs,
    onStatement: (query) => {
      if (!requestContext.get()) counter.record(query);
    },
    log: pino({ level: 'silent' }),
  });
  await db.migrate();
  t = await createTestApp(google.env(), db);
});
afterAll(async () => {
  await t.close();
  await db.close();
  await google.close();
});

const at = (day: number, hour = 10) => ({ dateTime: new Date(Date.UTC(2030, 0, day, hour)).toISOString() });

async function connected(client: TestClient, email: string, calendars: string[]) {
  google.addUser({ email, calendars });
  google.authorizeAs(email);
  const start = await client.get('/api/google/connect?calendar=true');
  const back = new URL(await google.approve(String(start.headers.location)));
  expect((await client.get(back.pathname + back.search)).status).toBe(302);
  expect((await client.request('PUT', '/api/google/calendars', { calendarIds: calendars })).status).toBe(200);
}

async function consenting(client: TestClient, email: string) {
  const contact = await createContact(client, { name: 'Client', emails: [email] });
  const res = await client.request('PUT', `/api/contacts/${contact.id}/consents/calendar_ingestion`, { granted: true, method: 'form' });
  expect(res.status, res.text).toBe(200);
  return contact;
}

describe('calendar sync statements', () => {
  it('writes each page in one statement, reads calendars side by side, and writes no data when nothing changed', async () => {
    const client = await signUp(t.app, 'sync-statements');
    const email = `stmt-${client.userId.slice(0, 8)}@gmail.test`;
    await connected(client, email, ['primary', 'work']);
    await consenting(client, 'ann@stmt.test');
    await consenting(client, 'bob@stmt.test');
    // 7 events on primary (pages of 3: 3 pages), 4 on work (2 pages); each with both clients.
    for (let i = 0; i < 11; i++) {
      google.putEvent(email, i < 7 ? 'primary' : 'work', {
        id: `e${i}`,
        summary: `Session ${i}`,
        start: at(1 + i),
        attendees: [{ email: 'ann@stmt.test' }, { email: 'BOB@stmt.test' }],
      });
    }

    counter.take();
    const first = await t.app.services.calendarSync.run(client.userId);
    const firstKinds = counter.take();
    expect(first).toMatchObject({ events: 11, inserted: 22, pages: 5 });
    // One insert per page, however many events and contacts it holds.
    expect(firstKinds['insert interactions']).toBe(5);
    expect(writes(firstKinds)).toEqual({
      'delete interactions': 2, // the orphans of each calendar's full read
      'insert interactions': 5,
      'insert sync_state': 1 + 5 + 2 + 1, // running, progress per page, a token per calendar, idle
      'update contacts': 5, // their last contact, per page
    });
    // The calendars are read side by side: work's first page is asked before primary's second.
    const calls = google.requests.filter((r) => r.path.startsWith('/calendar/v3/calendars/'));
    const firstWork = calls.findIndex((r) => r.path.includes('/work/'));
    const secondPrimary = calls.findIndex((r) => r.path.includes('/primary/') && r.query.pageToken);
    expect(firstWork).toBeGreaterThanOrEqual(0);
    expect(firstWork).toBeLessThan(secondPrimary);

    counter.take();
    const again = await t.app.services.calendarSync.run(client.userId);
    const againKinds = counter.take();
    expect(again).toMatchObject({ events: 0, inserted: 0, updated: 0, removed: 0 });
    // Only the status row: running, then idle with the time of this success.
    expect(writes(againKinds)).toEqual({ 'insert sync_state': 2 });
    // Both calendars were asked with their sync token.
    const last = google.requests.slice(-2);
    expect(last.map((r) => r.query.syncToken).every(Boolean)).toBe(true);
  });
});
