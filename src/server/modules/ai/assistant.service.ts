import { randomUUID } from 'node:crypto';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { AppError, notFound } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import type { Actor } from '../../platform/http/types.js';
import type { ChatBody, ChatEvent, Citation, Transcription } from '../../../shared/api/assistant.js';
import type { AssistantRepo } from './assistant.repo.js';
import { assistantTools, runTool } from './assistant-tools.js';
import type { AssistantToolsRepo } from './assistant-tools.repo.js';
import type { AiEngine } from './engine.js';
import type { ChatMessage, ModelCall } from './provider.js';
import { createMasker, UUID } from './privacy.js';
import { offlineAnswer } from './assistant-offline.js';

type Deps = {
  engine: AiEngine;
  repo: AssistantRepo;
  tools: AssistantToolsRepo;
  clock: () => Date;
  onChange: (userId: string) => void | Promise<void>;
};

export type Emit = (event: ChatEvent) => void;
/** A question accepted for answering (checked before the stream starts, so refusals are plain 4xx). */
export type ChatTurn = { userId: string; message: string; conversation: { id: string; title: string; isNew: boolean } };

const L = LIMITS.assistant;
const UUIDS = new RegExp(UUID.source, 'gi');

const SYSTEM = `You are the assistant inside MindfulCRM, the practice-management app of a therapist or coach.
Answer questions about their practice using only the tools' results (read-only: contacts, timelines, calendar events, tasks, goals, stats); never invent records.
After each statement taken from a record, cite the record's id in square brackets, like [3f2c…]. Be brief. Today is {today}.`;

/**
 * Puts emails and phone numbers back into streamed text: a placeholder may arrive split over two
 * chunks, so text from an unclosed "[" is held back until its "]" (or 16 characters) arrives.
 */
function streamRestorer(restore: (s: string) => string, out: (text: string) => void) {
  let held = '';
  return {
    push(text: string) {
      held += text;
      const open = held.lastIndexOf('[');
      const keep = open >= 0 && !held.slice(open).includes(']') && held.length - open < 16 ? held.slice(open) : '';
      const ready = held.slice(0, held.length - keep.length);
      held = keep;
      if (ready) out(restore(ready));
    },
    flush() {
      if (held) out(restore(held));
      held = '';
    },
  };
}

/** The messages as stored with the prompt (tool calls and results written out as text). */
function forRecord(messages: ChatCompletionMessageParam[]): ChatMessage[] {
  return messages.map((m) => {
    if (m.role === 'tool') return { role: 'user', content: `[tool result ${m.tool_call_id}] ${String(m.content)}` };
    if (m.role === 'assistant' && m.tool_calls?.length) {
      const calls = m.tool_calls.map((c) => (c.type === 'function' ? `${c.function.name}(${c.function.arguments})` : c.type));
      return { role: 'assistant', content: `[tool calls] ${calls.join('; ')}` };
    }
    return { role: m.role === 'system' || m.role === 'user' ? m.role : 'assistant', content: String(m.content ?? '') };
  });
}

/**
 * The assistant: a question answered with read-only tool calls over the user's own data (contacts
 * without ai_processing consent never reach the model), streamed as events, kept as a
 * conversation only when the answer is complete. Without a model it answers through search.
 */
export function createAssistantService({ engine, repo, tools, clock, onChange }: Deps) {
  const model = () => engine.provider.models.smart;

  /** Stores the exchange and sends the closing events. */
  async function finish(
    turn: ChatTurn,
    emit: Emit,
    answer: { content: string; citations: Citation[]; model: string },
    contactIds: string[],
  ) {
    const madeWithoutModel = answer.model === 'offline';
    emit({ event: 'citations', data: { citations: answer.citations } });
    const messageId = await repo.appendExchange(
      turn.userId,
      turn.conversation,
      turn.message,
      { ...answer, madeWithoutModel },
      contactIds,
      clock(),
    );
    await onChange(turn.userId);
    emit({ event: 'done', data: { conversationId: turn.conversation.id, messageId, model: answer.model, madeWithoutModel } });
  }

  async function answerWithModel(turn: ChatTurn, emit: Emit, signal: AbortSignal) {
    const { userId } = turn;
    const now = clock();
    const masker = createMasker();
    const history = turn.conversation.isNew ? [] : await repo.history(userId, turn.conversation.id, L.historyMessages);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM.replace('{today}', now.toISOString().slice(0, 10)) },
      ...history.map((m) => ({ role: m.role, content: masker.mask(m.content) })),
      { role: 'user', content: masker.mask(turn.message) },
    ];
    const candidates = new Map<string, Citation>();
    const contactIds = new Set<string>();
    let text = '';
    const out = streamRestorer(masker.restore, (t) => {
      text += t;
      emit({ event: 'delta', data: { text: t } });
    });
    for (let round = 1; round <= L.rounds; round++) {
      await engine.checkBudget(userId);
      const last = round === L.rounds;
      const answer = await engine.provider.stream({
        userId,
        model: model(),
        messages,
        tools: last ? [] : assistantTools,
        onDelta: (t) => out.push(t),
        signal,
      });
      const call: ModelCall = {
        model: model(),
        inputTokens: answer.inputTokens,
        outputTokens: answer.outputTokens,
        latencyMs: answer.latencyMs,
        status: 'ok',
        answer: answer.toolCalls.length ? JSON.stringify(answer.toolCalls) : answer.text,
      };
      await engine.record(
        userId,
        'assistant',
        [call],
        { task: 'assistant', contactIds: [...contactIds], prompt: forRecord(messages) },
        masker.restore,
      );
      if (!answer.toolCalls.length || last) break;
      messages.push({
        role: 'assistant',
        content: answer.text || null,
        tool_calls: answer.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      });
      for (const c of answer.toolCalls) {
        // The model quotes what it was shown: a placeholder in its arguments means the real value.
        const args = masker.restore(c.arguments);
        const res = await runTool({ userId, now, repo: tools, allowed: (ids) => engine.allowed(userId, ids) }, c.name, args);
        for (const r of res.records) candidates.set(r.id, r);
        for (const id of res.contactIds) contactIds.add(id);
        messages.push({ role: 'tool', tool_call_id: c.id, content: masker.mask(res.content) });
      }
    }
    out.flush();
    // Citations: the records the answer names that a tool returned (never an id the model made up);
    // when it names none, the records its tools returned.
    const named = [...new Set(text.match(UUIDS)?.map((id) => id.toLowerCase()) ?? [])].flatMap((id) => candidates.get(id) ?? []);
    const citations = (named.length ? named : [...candidates.values()]).slice(0, L.citations);
    await finish(turn, emit, { content: text, citations, model: model() }, [...contactIds]);
  }

  return {
    /** Checks a question before its stream starts: the conversation is the caller's and not full, the budget allows a call. */
    async begin(actor: Actor, body: ChatBody): Promise<ChatTurn> {
      const { userId } = actor;
      let conversation: ChatTurn['conversation'] = { id: randomUUID(), title: body.message.slice(0, 80), isNew: true };
      if (body.conversationId) {
        const count = await repo.messageCount(userId, body.conversationId);
        if (count === undefined) throw notFound('Conversation');
        if (count + 2 > L.conversationMessages) {
          throw new AppError('conflict', `This conversation holds ${L.conversationMessages} messages, the most it can; start a new one.`);
        }
        conversation = { id: body.conversationId, title: '', isNew: false };
      }
      if (engine.enabled) await engine.checkBudget(userId);
      return { userId, message: body.message, conversation };
    },

    /**
     * Answers the question, sending events through `emit`; rejects when the model call fails (the
     * caller sends the error event). A failed or cancelled answer stores nothing.
     */
    async answer(turn: ChatTurn, emit: Emit, signal: AbortSignal): Promise<void> {
      emit({ event: 'conversation', data: { conversationId: turn.conversation.id } });
      if (engine.enabled) return answerWithModel(turn, emit, signal);
      const local = await offlineAnswer(tools, turn.userId, turn.message, clock());
      emit({ event: 'delta', data: { text: local.content } });
      await engine.recordLocal(turn.userId, 'assistant');
      await finish(turn, emit, { ...local, model: 'offline' }, []);
    },

    list: (actor: Actor) => repo.list(actor.userId, L.conversationsPage),

    async get(actor: Actor, id: string): Promise<string> {
      const json = await repo.get(actor.userId, id);
      if (!json) throw notFound('Conversation');
      return json;
    },

    async remove(actor: Actor, id: string): Promise<void> {
      if (!(await repo.remove(actor.userId, id))) throw notFound('Conversation');
      await onChange(actor.userId);
    },

    /** Speech to text through the provider; without a model the web app uses the browser's recognition. */
    async transcribe(actor: Actor, audio: { bytes: Buffer; filename: string; type: string }, signal: AbortSignal): Promise<Transcription> {
      if (!engine.enabled) {
        throw new AppError(
          'unavailable',
          "Voice questions need an AI model (AI_API_KEY); without one, use the browser's speech recognition or type the question.",
        );
      }
      await engine.checkBudget(actor.userId);
      const started = performance.now();
      const transcribeModel = engine.provider.models.transcribe;
      const text = await engine.provider.transcribe({
        userId: actor.userId,
        model: transcribeModel,
        audio: audio.bytes,
        filename: audio.filename,
        type: audio.type,
        signal,
      });
      const call: ModelCall = {
        model: transcribeModel,
        inputTokens: 0,
        outputTokens: 0,
        latencyMs: Math.round(performance.now() - started),
        status: 'ok',
        answer: text,
      };
      await engine.record(actor.userId, 'transcribe', [call], { task: 'transcribe', contactIds: [], prompt: [] }, (s) => s);
      return { text, model: transcribeModel };
    },
  };
}
