import ICAL from 'ical.js';
import { sha256 } from '../../platform/crypto.js';
import type { FeedRow } from './feed.repo.js';

/** The yearly rule of a date; 29 February falls on the last day of February in other years. */
function yearly(date: string): ICAL.Recur {
  return date.slice(5) === '02-29'
    ? ICAL.Recur.fromData({ freq: 'YEARLY', bymonth: [2], bymonthday: [-1] })
    : ICAL.Recur.fromData({ freq: 'YEARLY' });
}

function allDay(event: ICAL.Event, date: string): void {
  const start = ICAL.Time.fromDateString(date);
  const end = start.clone();
  end.adjust(1, 0, 0, 0);
  event.startDate = start;
  event.endDate = end;
}

function toEvent(row: FeedRow, stamp: ICAL.Time): ICAL.Component {
  const comp = new ICAL.Component('vevent');
  const event = new ICAL.Event(comp);
  comp.addPropertyWithValue('dtstamp', stamp);
  switch (row.kind) {
    case 'birthday':
      event.uid = `birthday-${row.id}@mindfulcrm`;
      event.summary = `Birthday: ${row.name}`;
      allDay(event, row.date);
      comp.addPropertyWithValue('rrule', yearly(row.date));
      break;
    case 'date':
      // Stable while the date and its label stay the same (the list's order may change).
      event.uid = `date-${row.id}-${sha256(`${row.label}\n${row.date}`).slice(0, 16)}@mindfulcrm`;
      event.summary = `${row.label.trim() || 'Important date'}: ${row.name}`;
      allDay(event, row.date);
      comp.addPropertyWithValue('rrule', yearly(row.date));
      break;
    case 'task':
      event.uid = `task-${row.id}@mindfulcrm`;
      event.summary = `Task due: ${row.name}`;
      event.startDate = ICAL.Time.fromJSDate(new Date(row.at), true);
      break;
    case 'reconnect':
      event.uid = `reconnect-${row.id}@mindfulcrm`;
      event.summary = `Reconnect with ${row.name}`;
      allDay(event, row.date);
      break;
  }
  comp.addPropertyWithValue('transp', 'TRANSPARENT');
  return comp;
}

/** The feed's rows as an iCalendar file (ical.js escapes and folds the text). */
export function calendarText(rows: FeedRow[], timezone: string, now: Date): string {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', '-//MindfulCRM//Calendar feed//EN');
  cal.addPropertyWithValue('calscale', 'GREGORIAN');
  cal.addPropertyWithValue('x-wr-calname', 'MindfulCRM');
  cal.addPropertyWithValue('x-wr-timezone', timezone);
  const stamp = ICAL.Time.fromJSDate(now, true);
  for (const row of rows) cal.addSubcomponent(toEvent(row, stamp));
  return cal.toString();
}
