import { sql } from 'drizzle-orm';
import { index, integer, jsonb, numeric, pgEnum, pgTable, real, text, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns.js';
import { users } from './users.js';
import { contacts } from './contacts.js';

export const SUGGESTION_STATUSES = ['pending', 'approved', 'rejected', 'applied', 'expired'] as const;
export const suggestionStatus = pgEnum('suggestion_status', SUGGESTION_STATUSES);

/** Changes the AI proposes; nothing is applied until a person approves it. */
export const aiSuggestions = pgTable(
  'ai_suggestions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    rationale: text('rationale').notNull().default(''),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    confidence: real('confidence'),
    status: suggestionStatus('status').notNull().default('pending'),
    model: text('model'),
    createdAt: createdAt(),
    decidedAt: ts('decided_at'),
    /** What the suggestion is about (kind, contact, tag, task, due date): never proposed twice per user (0025). */
    dedupeKey: text('dedupe_key').notNull().default(sql`gen_random_uuid()::text`),
    /** What approving it did (message, created task, how to undo); null until applied. */
    result: jsonb('result').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('ai_suggestions_user_status_idx').on(t.userId, t.status, t.createdAt),
    uniqueIndex('ai_suggestions_user_key_uq').on(t.userId, t.dedupeKey),
  ],
);

export const aiInsights = pgTable(
  'ai_insights',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    content: jsonb('content').$type<Record<string, unknown>>().notNull(),
    /** Hash of the exact input the model saw: same input, same answer, no second call. */
    inputHash: text('input_hash').notNull(),
    model: text('model').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('ai_insights_contact_kind_uq').on(t.contactId, t.kind), index('ai_insights_user_hash_idx').on(t.userId, t.inputHash)],
);

export const llmUsage = pgTable(
  'llm_usage',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    task: text('task').notNull(),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 12, scale: 6, mode: 'number' }).notNull().default(0),
    latencyMs: integer('latency_ms').notNull().default(0),
    isCacheHit: boolean('is_cache_hit').notNull().default(false),
    status: text('status').notNull().default('ok'),
    createdAt: createdAt(),
  },
  (t) => [index('llm_usage_user_created_idx').on(t.userId, t.createdAt)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_user_created_idx').on(t.userId, t.createdAt)],
);

/**
 * Every prompt sent to the model and its answer, for the user to inspect (GET /api/ai/prompts),
 * with the ids of the contacts it was about: erasing a contact erases the prompts naming it.
 */
export const aiPrompts = pgTable(
  'ai_prompts',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    task: text('task').notNull(),
    model: text('model').notNull(),
    contactIds: uuid('contact_ids').array().notNull().default(sql`'{}'::uuid[]`),
    prompt: jsonb('prompt').$type<unknown>().notNull(),
    answer: text('answer').notNull().default(''),
    status: text('status').notNull().default('ok'),
    createdAt: createdAt(),
  },
  (t) => [
    index('ai_prompts_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('ai_prompts_contacts_idx').using('gin', t.contactIds),
  ],
);
