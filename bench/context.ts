import sharp from 'sharp';
import type { BenchContext } from './scenarios.js';

type Session = { cookie: string; csrf: string };

/**
 * Each seeded user signs in from its own (forwarded) address, as real users would: a hundred
 * sign-ins from one address is exactly what the per-address login limit exists to stop.
 */
async function signIn(url: string, email: string, password: string, index: number): Promise<Session> {
  const forwardedFor = `10.77.${Math.floor(index / 250)}.${(index % 250) + 1}`;
  const first = await fetch(`${url}/api/auth/csrf`);
  const csrfCookie = first.headers
    .getSetCookie()
    .find((c) => c.startsWith('mcrm_csrf='))!
    .split(';')[0]!;
  const csrf = csrfCookie.slice('mcrm_csrf='.length);
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: csrfCookie, 'x-csrf-token': csrf, 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in failed for ${email}: ${res.status} ${await res.text()}`);
  const session = res.headers
    .getSetCookie()
    // Production serves the session cookie as __Host-mcrm_session.
    .find((c) => /^(__Host-)?mcrm_session=/.test(c))!
    .split(';')[0]!;
  return { cookie: `${session}; ${csrfCookie}`, csrf };
}

const headersOf = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

async function multipartPhoto() {
  const image = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#2a9d8f' } })
    .jpeg()
    .toBuffer();
  const boundary = 'bench-boundary-7d1f';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    image,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A calendar export of `n` events (one in ten weekly for 20 weeks, in Europe/Berlin), each with one of `attendees`. */
export function calendarIcs(n: number, attendees: string[]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//MindfulCRM bench//EN'];
  for (let i = 0; i < n; i++) {
    const date = `2026${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`;
    lines.push(
      'BEGIN:VEVENT',
      `UID:bench-${i}@mindfulcrm`,
      'DTSTAMP:20260101T000000Z',
      `DTSTART;TZID=Europe/Berlin:${date}T100000`,
      `DTEND;TZID=Europe/Berlin:${date}T110000`,
      ...(i % 10 === 0 ? ['RRULE:FREQ=WEEKLY;COUNT=20'] : []),
      `SUMMARY:Session ${i}`,
      'ORGANIZER:mailto:practitioner@example.test',
      `ATTENDEE;CN=Client ${i % attendees.length}:mailto:${attendees[i % attendees.length]}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR', '');
  return lines.join('\r\n');
}

/** The 2,000-event calendar as a multipart upload (its attendees match nobody: the preview scenario). */
function multipartIcs() {
  const boundary = 'bench-boundary-ics-3b9c';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="calendar.ics"\r\nContent-Type: text/calendar\r\n\r\n`,
    ),
    Buffer.from(
      calendarIcs(
        2_000,
        Array.from({ length: 600 }, (_, i) => `client-${i}@example.test`),
      ),
    ),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Signs in as the seeded users and finds the ids, cursors and terms the scenarios use. */
export async function buildContext(url: string, users: { email: string }[], password: string, maxSessions: number): Promise<BenchContext> {
  const sessions: Session[] = [];
  for (const [i, u] of users.slice(0, maxSessions).entries()) sessions.push(await signIn(url, u.email, password, i));
  const headers = headersOf(sessions[0]!);
  const getJson = async (path: string) => {
    // The embedded database answers on the event loop, so a long first read (cold caches, the
    // 200-row pages below) can make the server shed the next request with 503: wait as it asks.
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${url}${path}`, { headers });
      if (res.ok) return res.json() as Promise<any>;
      if (res.status !== 503 || attempt >= 10) throw new Error(`${path}: ${res.status}`);
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
    }
  };
  const first = await getJson('/api/contacts?limit=50');
  let cursor: string = first.nextCursor ?? '';
  const { items: allTags } = await getJson('/api/tags?limit=200');
  // A deep page, not the first: 21 pages of 200 in (4,200 contacts), or the last page of a smaller practice.
  for (let i = 0; i < 100 && cursor; i++) {
    const page = await getJson(`/api/contacts?limit=200&cursor=${encodeURIComponent(cursor)}`);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
    if (i >= 20) break;
  }
  const openapi = await getJson('/api/openapi.json');
  const routes = new Set<string>();
  for (const [path, ops] of Object.entries(openapi.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(ops)) routes.add(`${method.toUpperCase()} ${path}`);
  }
  const sample = first.items[Math.floor(first.items.length / 2)] ?? first.items[0];
  // Photos are refused without the contact's photo consent; the upload scenario records it first.
  const consent = await fetch(`${url}/api/contacts/${sample.id}`, {
    method: 'PATCH',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ hasPhotoConsent: true }),
  });
  if (!consent.ok) throw new Error(`PATCH /api/contacts/:id: ${consent.status}`);
  return {
    headers,
    userHeaders: sessions.map(headersOf),
    contactId: sample.id,
    deepCursor: cursor,
    tagId: allTags[0]?.id ?? '',
    searchTerm: String(sample.name).split(/\s+/)[0]!.slice(0, 4),
    photoUpload: await multipartPhoto(),
    icsUpload: multipartIcs(),
    routes,
  };
}
