import type { startFakeGoogle } from './fake-google.js';

/** The Google account of the demo: whoever signs in is you@gmail.test. */
export const DEMO_GOOGLE_USER = 'you@gmail.test';

/**
 * A few weeks of sessions in two calendars: with anna@example.com (in person, weekly), with
 * ben@example.com (video, weekly) and a weekend retreat with both; a mail thread with Anna and a
 * newsletter (never stored); in Drive, intake notes that mention Anna's email and a shopping list
 * that names no one (never stored). Used by `npm run dev:google`
 * and the browser tests.
 */
export function seedDemoGoogle(google: Awaited<ReturnType<typeof startFakeGoogle>>): void {
  const me = DEMO_GOOGLE_USER;
  google.addUser({ email: me, name: 'You', calendars: ['primary', 'groups'] });
  google.authorizeAs(me);
  const day = (offset: number, hour: number) => {
    const d = new Date();
    d.setUTCDate(d.getUTCDate() + offset);
    d.setUTCHours(hour, 0, 0, 0);
    return { dateTime: d.toISOString() };
  };
  for (let i = -14; i <= 14; i += 7) {
    google.putEvent(me, 'primary', {
      id: `anna${i + 14}`,
      summary: 'Session with Anna',
      start: day(i, 9),
      end: day(i, 10),
      attendees: [{ email: 'anna@example.com' }],
      location: 'Practice room',
    });
    google.putEvent(me, 'primary', {
      id: `ben${i + 14}`,
      summary: 'Video session with Ben',
      start: day(i + 1, 14),
      end: day(i + 1, 15),
      attendees: [{ email: 'ben@example.com' }],
      conferenceData: { entryPoints: [{ entryPointType: 'video', uri: 'https://meet.google.com/abc-defg-hij' }] },
    });
  }
  google.putEvent(me, 'groups', {
    id: 'retreat',
    summary: 'Weekend retreat',
    start: { date: day(10, 0).dateTime.slice(0, 10) },
    end: { date: day(12, 0).dateTime.slice(0, 10) },
    attendees: [{ email: 'anna@example.com' }, { email: 'ben@example.com' }],
  });
  google.putMessage(me, {
    id: 'anna-mail-1',
    threadId: 'anna-thread',
    from: 'Anna <anna@example.com>',
    to: [me],
    subject: 'Before our next session',
    date: day(-2, 8).dateTime,
    html: '<p>Hi, could we talk about <b>sleep</b> next time?</p><p>Anna</p>',
  });
  google.putMessage(me, {
    id: 'anna-mail-2',
    threadId: 'anna-thread',
    from: me,
    to: ['anna@example.com'],
    subject: 'Re: Before our next session',
    date: day(-1, 18).dateTime,
    text: 'Of course, see you on Tuesday.',
  });
  google.putMessage(me, {
    id: 'newsletter-1',
    from: 'news@shop.example',
    to: [me],
    subject: 'Sale',
    date: day(-1, 7).dateTime,
    labelIds: ['INBOX', 'CATEGORY_PROMOTIONS'],
    listUnsubscribe: '<mailto:unsubscribe@shop.example>',
    text: 'Not stored: a newsletter.',
  });
  google.putFile(me, {
    id: 'anna-intake-doc',
    name: 'Intake notes',
    mimeType: 'application/vnd.google-apps.document',
    content: 'Intake with anna@example.com: wants to run 5 km by June; knee injury last year.',
    modifiedTime: day(-3, 10).dateTime,
  });
  google.putFile(me, { id: 'shopping', name: 'Shopping.txt', mimeType: 'text/plain', content: 'Mats, blocks, straps.' });
}
