import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.js';
import { users } from './users.js';

/**
 * What the calendar classification concluded about an event, keyed by a hash of the event's
 * relevant content (title, description, times, attendees, location): an unchanged event is never
 * classified again, a changed one gets a new hash. `contact_ids` names the contacts the event
 * touched (erasing one erases the row). `method`: model, rules (an obvious non-client event),
 * consent (a contact without ai_processing consent: rules only) or offline (no API key).
 */
export const aiEventClassifications = pgTable(
  'ai_event_classifications',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contentHash: text('content_hash').notNull(),
    /** The timeline's key of the event (source and source id without the contact), for reading. */
    eventKey: text('event_key').notNull(),
    method: text('method').notNull(),
    model: text('model').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    contactIds: uuid('contact_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ai_event_classifications_hash_uq').on(t.userId, t.contentHash),
    index('ai_event_classifications_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('ai_event_classifications_contacts_idx').using('gin', t.contactIds),
  ],
);
