import { startFakeServer } from './fake-server.js';

/**
 * A calendar server for subscription tests: GET /cal.ics answers the current calendar with an ETag
 * and a Last-Modified, and 304 when the request's If-None-Match (or If-Modified-Since) still
 * matches. `publish` replaces the calendar (new ETag and date).
 */
export async function startFakeIcsServer(initial: string) {
  const fake = await startFakeServer();
  let body = initial;
  let version = 1;
  let modified = new Date('2025-01-01T00:00:00Z');
  const etag = () => `"v${version}"`;
  fake.route('GET', '/cal.ics', (req) => {
    const lastModified = modified.toUTCString();
    const validators = { etag: etag(), 'last-modified': lastModified };
    const ifNoneMatch = req.headers['if-none-match'];
    const ifModifiedSince = req.headers['if-modified-since'];
    if (ifNoneMatch ? ifNoneMatch === etag() : ifModifiedSince === lastModified) return { status: 304, headers: validators };
    return { status: 200, headers: { ...validators, 'content-type': 'text/calendar; charset=utf-8' }, body };
  });
  return Object.assign(fake, {
    calendarUrl: `${fake.url}/cal.ics`,
    publish(next: string) {
      body = next;
      version++;
      modified = new Date(modified.getTime() + 3_600_000);
    },
  });
}
