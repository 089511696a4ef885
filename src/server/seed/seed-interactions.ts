import type { PracticeContext } from './seed-contacts.js';
import type { SeedRow } from './seed.repo.js';
import * as W from './practice-words.js';

type InteractionType = SeedRow<'interactions'>['type'];
type InteractionSource = NonNullable<SeedRow<'interactions'>['source']>;

const TYPES = [
  ['email', 35],
  ['meeting', 25],
  ['call', 10],
  ['note', 15],
  ['class_attendance', 15],
] as const;
// Where each kind of interaction realistically comes from.
const SOURCES: Record<InteractionType, readonly (readonly [InteractionSource, number])[]> = {
  email: [
    ['gmail', 8],
    ['import', 1],
    ['manual', 1],
  ],
  meeting: [
    ['calendar', 7],
    ['manual', 3],
  ],
  call: [
    ['manual', 9],
    ['import', 1],
  ],
  note: [
    ['manual', 17],
    ['import', 3],
  ],
  class_attendance: [
    ['calendar', 5],
    ['import', 4],
    ['manual', 1],
  ],
};
const SOURCE_PREFIX: Record<InteractionSource, string> = { manual: 'manual', calendar: 'evt', gmail: 'msg', import: 'csv-row' };
const TWO_YEARS_MS = 730 * 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * A contact's timeline over the last two years (never before the contact existed). Sessions that
 * came from the calendar also get their calendar event, linked by the same provider id.
 */
export function generateInteractions(
  ctx: PracticeContext,
  contactId: string,
  email: string,
  name: string,
  createdAt: number,
  count: number,
  calendarEvents: SeedRow<'calendarEvents'>[],
): SeedRow<'interactions'>[] {
  const { rng, userId, now } = ctx;
  const end = now - HOUR_MS;
  // Contacts are at least a day old, so the window is never empty.
  const start = Math.max(createdAt, now - TWO_YEARS_MS);
  const rows: SeedRow<'interactions'>[] = [];
  for (let n = 0; n < count; n++) {
    const type = rng.weighted(TYPES);
    const source = rng.weighted(SOURCES[type]);
    // Manual entries have no provider id; the unique (user, source, source_id) index ignores nulls.
    const sourceId = source === 'manual' ? null : ctx.nextSourceId(SOURCE_PREFIX[source]);
    const occurredAt = new Date(start + Math.floor(rng.next() * (end - start)));
    const subject = rng.pick(W.INTERACTION_SUBJECTS[type]!);
    const minutes = type === 'class_attendance' ? 75 : rng.pick([30, 45, 60, 90]);
    rows.push({
      userId,
      contactId,
      type,
      subject,
      content: rng.chance(0.3) ? '' : rng.pick(W.INTERACTION_CONTENT),
      occurredAt,
      source,
      sourceId,
      sentiment: rng.chance(0.3)
        ? null
        : rng.weighted([
            [1, 1],
            [2, 2],
            [3, 4],
            [4, 6],
            [5, 4],
          ] as const),
      metadata:
        type === 'email'
          ? { direction: rng.chance(0.5) ? 'inbound' : 'outbound', threadId: `thread-${sourceId ?? n}` }
          : type === 'call'
            ? { durationMinutes: rng.int(5, 40) }
            : { durationMinutes: minutes },
      createdAt: occurredAt,
      updatedAt: occurredAt,
    });
    if (source === 'calendar' && sourceId) {
      calendarEvents.push({
        userId,
        source: 'google',
        externalId: sourceId,
        contactId,
        title: type === 'class_attendance' ? subject : `${subject} — ${name}`,
        location: rng.pick(W.EVENT_LOCATIONS),
        startsAt: occurredAt,
        endsAt: new Date(occurredAt.getTime() + minutes * 60_000),
        attendees: [{ email, name, responseStatus: 'accepted' }],
        etag: `"${sourceId}"`,
        classification: { isClientSession: true, sessionType: type },
        isProcessed: true,
        createdAt: occurredAt,
        updatedAt: occurredAt,
      });
    }
  }
  return rows;
}
