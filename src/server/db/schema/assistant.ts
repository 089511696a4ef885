import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.js';
import { users } from './users.js';

/** A record the assistant's answer used: the web app turns it into a link (`contactId`: the page that shows it). */
export type AssistantCitation = {
  kind: 'contact' | 'interaction' | 'event' | 'task' | 'goal';
  id: string;
  label: string;
  contactId: string | null;
};

/**
 * Conversations with the assistant (POST /api/ai/chat). `contact_ids` names every contact whose
 * data reached one of its answers: erasing a contact erases the conversations that showed it.
 */
export const aiConversations = pgTable(
  'ai_conversations',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    contactIds: uuid('contact_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('ai_conversations_user_updated_idx').on(t.userId, t.updatedAt, t.id),
    index('ai_conversations_contacts_idx').using('gin', t.contactIds),
  ],
);

/** The questions and the complete answers of a conversation (a cut or cancelled answer is never stored). */
export const aiMessages = pgTable(
  'ai_messages',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => aiConversations.id, { onDelete: 'cascade' }),
    /** user or assistant */
    role: text('role').notNull(),
    content: text('content').notNull(),
    citations: jsonb('citations').$type<AssistantCitation[]>().notNull().default([]),
    /** The model that answered, or 'offline' (answered through search, without a model). */
    model: text('model'),
    madeWithoutModel: boolean('made_without_model').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('ai_messages_conversation_idx').on(t.conversationId, t.createdAt, t.id),
    index('ai_messages_user_created_idx').on(t.userId, t.createdAt, t.id),
  ],
);
