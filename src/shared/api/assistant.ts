import { z } from 'zod';
import { LIMITS } from '../../server/platform/limits.js';
import { dateTimeOut } from './dates.js';
import { uuidId } from './ids.js';

/** POST /api/ai/chat: a question, in a new conversation or an existing one of the caller's. */
export const chatBody = z.strictObject({
  message: z
    .string()
    .trim()
    .min(1, 'must not be empty: type a question')
    .max(LIMITS.assistant.messageChars, `must be at most ${LIMITS.assistant.messageChars} characters`),
  conversationId: uuidId('must be a conversation id (UUID)').optional(),
});
export type ChatBody = z.infer<typeof chatBody>;

export const CITATION_KINDS = ['contact', 'interaction', 'event', 'task', 'goal'] as const;
/** A record an answer used; `contactId` is the contact whose page shows it (interactions, goals). */
export const citationResponse = z.strictObject({
  kind: z.enum(CITATION_KINDS),
  id: z.uuid(),
  label: z.string(),
  contactId: z.uuid().nullable(),
});
export type Citation = z.infer<typeof citationResponse>;

export const conversationIdParams = z.strictObject({ id: uuidId('must be a conversation id (UUID)') });

export const conversationSummaryResponse = z.strictObject({
  id: z.uuid(),
  title: z.string(),
  createdAt: dateTimeOut,
  updatedAt: dateTimeOut,
});
/** GET /api/ai/conversations: the most recent conversations, newest first. */
export const conversationListResponse = z.strictObject({ items: z.array(conversationSummaryResponse) });
export type ConversationSummary = z.infer<typeof conversationSummaryResponse>;

export const assistantMessageResponse = z.strictObject({
  id: z.uuid(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  citations: z.array(citationResponse),
  /** The model that answered, 'offline' (answered through search, no model), or null for a question. */
  model: z.string().nullable(),
  madeWithoutModel: z.boolean(),
  createdAt: dateTimeOut,
});
export type AssistantMessage = z.infer<typeof assistantMessageResponse>;

/** GET /api/ai/conversations/:id: the conversation with its messages, oldest first. */
export const conversationResponse = z.strictObject({
  ...conversationSummaryResponse.shape,
  messages: z.array(assistantMessageResponse),
});
export type Conversation = z.infer<typeof conversationResponse>;

/** POST /api/ai/transcribe: the recording's text. */
export const transcriptionResponse = z.strictObject({ text: z.string(), model: z.string() });
export type Transcription = z.infer<typeof transcriptionResponse>;

/** The `data` of each server-sent event of POST /api/ai/chat. */
export type ChatEvent =
  | { event: 'conversation'; data: { conversationId: string } }
  | { event: 'delta'; data: { text: string } }
  | { event: 'citations'; data: { citations: Citation[] } }
  | { event: 'done'; data: { conversationId: string; messageId: string; model: string; madeWithoutModel: boolean } }
  | { event: 'error'; data: { code: string; message: string; retryAfterSeconds?: number } };
