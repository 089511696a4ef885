import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { aiConversations, aiMessages, type AssistantCitation } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';

export type StoredAnswer = { content: string; citations: AssistantCitation[]; model: string; madeWithoutModel: boolean };

const uuidArray = (ids: readonly string[]) => sql`array(select x::uuid from unnest(${`{${ids.join(',')}}`}::text[]) x)`;

/** Conversations with the assistant and their messages; every query scoped by the user. */
export function createAssistantRepo(db: Db) {
  return {
    /** The conversation's message count, or undefined when it is not the user's. */
    async messageCount(userId: string, conversationId: string): Promise<number | undefined> {
      const [row] = await queryRows<{ n: number }>(
        db,
        sql`select (select count(*) from ${aiMessages} m where m.conversation_id = c.id)::int as n
            from ${aiConversations} c where c.user_id = ${userId} and c.id = ${conversationId}`,
      );
      return row?.n;
    },

    /** The last `limit` messages of a conversation, oldest first (sent back to the model as context). */
    history(userId: string, conversationId: string, limit: number) {
      return queryRows<{ role: 'user' | 'assistant'; content: string }>(
        db,
        sql`select role, content from (
              select m.role, m.content, m.created_at, m.id from ${aiMessages} m
              where m.user_id = ${userId} and m.conversation_id = ${conversationId}
              order by m.created_at desc, m.id desc limit ${limit}) x
            order by x.created_at, x.id`,
      );
    },

    /**
     * Stores a question and its complete answer in one transaction, creating the conversation when
     * it is new; the contacts the answer showed join the conversation's `contact_ids` (erasure).
     */
    async appendExchange(
      userId: string,
      conversation: { id: string; title: string; isNew: boolean },
      question: string,
      answer: StoredAnswer,
      contactIds: readonly string[],
      now: Date,
    ): Promise<string> {
      return db.transaction(async (tx) => {
        if (conversation.isNew) {
          await tx
            .insert(aiConversations)
            .values({ id: conversation.id, userId, title: conversation.title, createdAt: now, updatedAt: now });
        }
        await tx.execute(sql`
          update ${aiConversations} c set updated_at = ${now.toISOString()}::timestamptz,
            contact_ids = array(select distinct x from unnest(c.contact_ids || ${uuidArray(contactIds)}) x)
          where c.user_id = ${userId} and c.id = ${conversation.id}`);
        const asked = new Date(now.getTime() - 1);
        const [, stored] = await tx
          .insert(aiMessages)
          .values([
            { userId, conversationId: conversation.id, role: 'user', content: question, createdAt: asked },
            { userId, conversationId: conversation.id, role: 'assistant', ...answer, createdAt: now },
          ])
          .returning({ id: aiMessages.id });
        return stored?.id as string;
      });
    },

    /** The most recent conversations, newest first; JSON text. */
    async list(userId: string, limit: number): Promise<string> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`select json_build_object('items', coalesce(json_agg(json_build_object('id', c.id, 'title', c.title,
                 'createdAt', ${isoSql(sql`c.created_at`)}, 'updatedAt', ${isoSql(sql`c.updated_at`)}) order by c.updated_at desc, c.id desc), '[]'))::text as j
            from (select * from ${aiConversations} where user_id = ${userId} order by updated_at desc, id desc limit ${limit}) c`,
      );
      return row?.j ?? '{"items":[]}';
    },

    /** One conversation with its messages, oldest first; JSON text, or undefined when not the user's. */
    async get(userId: string, id: string): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`select json_build_object('id', c.id, 'title', c.title, 'createdAt', ${isoSql(sql`c.created_at`)},
                 'updatedAt', ${isoSql(sql`c.updated_at`)},
                 'messages', coalesce((select json_agg(json_build_object('id', m.id, 'role', m.role, 'content', m.content,
                     'citations', m.citations, 'model', m.model, 'madeWithoutModel', m.made_without_model,
                     'createdAt', ${isoSql(sql`m.created_at`)}) order by m.created_at, m.id)
                   from ${aiMessages} m where m.conversation_id = c.id), '[]'))::text as j
            from ${aiConversations} c where c.user_id = ${userId} and c.id = ${id}`,
      );
      return row?.j;
    },

    /** Deletes a conversation and its messages; false when it is not the user's. */
    async remove(userId: string, id: string): Promise<boolean> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`delete from ${aiConversations} where user_id = ${userId} and id = ${id} returning id`,
      );
      return rows.length > 0;
    },
  };
}
export type AssistantRepo = ReturnType<typeof createAssistantRepo>;
