import { startFakeGoogle } from './fake-google.js';

/**
 * The fake Google for trying the whole flow locally without a Google project:
 *   npm run dev:google            # prints the settings to start the server with
 * It approves every sign-in as you@gmail.test, whose calendars hold a few sessions with
 * anna@example.com and ben@example.com, and whose mailbox holds a thread with Anna (and a newsletter, never
 * stored): add contacts with those emails and their calendar (and email) consent.
 */
const google = await startFakeGoogle();
const me = 'you@gmail.test';
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

const env = Object.entries(google.env())
  .map(([k, v]) => `${k}=${v}`)
  .join(' ');
process.stdout.write(`Fake Google on ${google.url} (signs in as ${me}). Start the server with:\n\n  ${env} npm run dev\n\n`);
