import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChatEvent, Citation } from '../../shared/api/assistant';
import { aiStatusQuery, conversationQuery, conversationsQuery, streamChat, useDeleteConversation } from '../api/assistant.api';
import { errorMessage } from '../api/api-client';
import { useVoiceInput } from '../lib/use-voice-input';
import { AssistantAnswer } from './assistant-answer';
import { Icon } from './icons';
import { Spinner } from './ui';

type Turn = { id: string; role: 'user' | 'assistant'; content: string; citations: Citation[]; madeWithoutModel?: boolean };

/** The list of earlier conversations: open one, or delete it. */
function ConversationList({ onOpen }: { onOpen: (id: string) => void }) {
  const list = useQuery(conversationsQuery());
  const remove = useDeleteConversation();
  if (list.isPending) return <Spinner label="Loading conversations" />;
  if (!list.data?.items.length) return <p className="text-sm text-muted">No conversations yet.</p>;
  return (
    <ul aria-label="Conversations" className="space-y-1">
      {list.data.items.map((c) => (
        <li key={c.id} className="flex items-center gap-2">
          <button type="button" className="btn-ghost flex-1 justify-start truncate text-left text-sm" onClick={() => onOpen(c.id)}>
            {c.title}
          </button>
          <button type="button" className="btn-ghost p-1" aria-label={`Delete conversation ${c.title}`} onClick={() => remove.mutate(c.id)}>
            <Icon name="trash" size={16} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** What the drawer says when AI is off (answers through search) or the budget is spent. */
function AiState() {
  const status = useQuery(aiStatusQuery()).data;
  if (!status) return null;
  if (!status.enabled)
    return (
      <p role="note" className="rounded-lg bg-raised p-2 text-xs text-muted">
        AI is off (no API key on the server): answers are a search of your records, made without a model.
      </p>
    );
  const over = status.spent.todayUsd >= status.budget.dailyUsd || status.spent.monthUsd >= status.budget.monthlyUsd;
  if (!over) return null;
  return (
    <p role="alert" className="rounded-lg bg-raised p-2 text-xs">
      The AI budget is spent (${status.spent.todayUsd.toFixed(2)} today of ${status.budget.dailyUsd}, ${status.spent.monthUsd.toFixed(2)}{' '}
      this month of ${status.budget.monthlyUsd}). The assistant answers again when the budget resets.
    </p>
  );
}

/** The assistant, available on every page: streamed answers with their sources, voice questions, earlier conversations. */
export function AssistantDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const status = useQuery({ ...aiStatusQuery(), enabled: open });
  const [conversationId, setConversationId] = useState<string>();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState('');
  const [isAsking, setAsking] = useState(false);
  const [error, setError] = useState<string>();
  const [showList, setShowList] = useState(false);
  const abortRef = useRef<AbortController>(undefined);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const endRef = useRef<HTMLDivElement>(null);
  const voice = useVoiceInput(
    !!status.data?.enabled,
    useCallback((text: string) => setDraft((d) => (d ? `${d} ${text}` : text)), []),
  );

  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);
  // Braces: newer browsers' scrollIntoView returns a promise, which React would take for a cleanup.
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [turns]);
  useEffect(() => () => abortRef.current?.abort(), []);

  const openConversation = async (id: string) => {
    setShowList(false);
    setError(undefined);
    try {
      const c = await qc.fetchQuery(conversationQuery(id));
      setConversationId(c.id);
      setTurns(
        c.messages.map((m) => ({
          id: m.id,
          role: m.role,
          content: m.content,
          citations: m.citations,
          madeWithoutModel: m.madeWithoutModel,
        })),
      );
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const ask = async () => {
    const message = draft.trim();
    if (!message || isAsking) return;
    setDraft('');
    setError(undefined);
    setAsking(true);
    const answerId = `pending-${Date.now()}`;
    setTurns((t) => [
      ...t,
      { id: `${answerId}-q`, role: 'user', content: message, citations: [] },
      { id: answerId, role: 'assistant', content: '', citations: [] },
    ]);
    const update = (change: (t: Turn) => Turn) => setTurns((all) => all.map((t) => (t.id === answerId ? change(t) : t)));
    const abort = new AbortController();
    abortRef.current = abort;
    let failed: string | undefined;
    const onEvent = (e: ChatEvent) => {
      if (e.event === 'conversation') setConversationId(e.data.conversationId);
      else if (e.event === 'delta') update((t) => ({ ...t, content: t.content + e.data.text }));
      else if (e.event === 'citations') update((t) => ({ ...t, citations: e.data.citations }));
      else if (e.event === 'done') update((t) => ({ ...t, madeWithoutModel: e.data.madeWithoutModel }));
      else if (e.event === 'error') failed = e.data.message;
    };
    try {
      await streamChat({ message, conversationId }, onEvent, abort.signal);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') failed = errorMessage(err);
    } finally {
      setAsking(false);
      void qc.invalidateQueries({ queryKey: ['ai'] });
    }
    if (failed) {
      // Nothing of a failed answer was kept: take it back out and offer the question again.
      setTurns((all) => all.filter((t) => t.id !== answerId && t.id !== `${answerId}-q`));
      setDraft(message);
      setError(failed);
    }
  };

  const startNew = () => {
    abortRef.current?.abort();
    setConversationId(undefined);
    setTurns([]);
    setError(undefined);
    setShowList(false);
  };

  // Kept mounted once opened, so a closed drawer keeps its conversation (and an answer still streaming).
  return (
    <aside
      hidden={!open}
      role="dialog"
      aria-label="Assistant"
      className="fixed inset-y-0 right-0 z-40 flex w-full max-w-md flex-col border-l border-line bg-surface shadow-2xl"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="flex items-center gap-2 border-b border-line p-3">
        <Icon name="sparkle" />
        <h2 className="flex-1 font-semibold">Assistant</h2>
        <button type="button" className="btn-ghost text-sm" onClick={() => setShowList((s) => !s)} aria-expanded={showList}>
          Conversations
        </button>
        <button type="button" className="btn-ghost text-sm" onClick={startNew}>
          New
        </button>
        <button type="button" className="btn-ghost p-1.5" onClick={onClose} aria-label="Close the assistant">
          <Icon name="close" />
        </button>
      </header>
      <div className="min-h-0 flex-1 space-y-3 overflow-y-auto p-3 text-sm">
        <AiState />
        {showList ? (
          <ConversationList onOpen={openConversation} />
        ) : (
          <>
            {!turns.length && (
              <p className="text-muted">Ask about your practice: “Who hasn’t booked in a month?”, “Summarise Jane’s progress”.</p>
            )}
            {turns.map((t) =>
              t.role === 'user' ? (
                <p key={t.id} className="ml-8 whitespace-pre-wrap rounded-lg bg-brand-soft p-2">
                  {t.content}
                </p>
              ) : (
                <div key={t.id} className="mr-4 rounded-lg bg-raised p-2" aria-live="polite" data-testid="assistant-answer">
                  {t.content ? (
                    <AssistantAnswer text={t.content} citations={t.citations} onNavigate={onClose} />
                  ) : (
                    <Spinner label="Thinking" />
                  )}
                </div>
              ),
            )}
            <div ref={endRef} />
          </>
        )}
        {error && (
          <p role="alert" className="text-danger">
            {error}
          </p>
        )}
        {voice.error && (
          <p role="alert" className="text-danger">
            {voice.error}
          </p>
        )}
      </div>
      <form
        className="flex items-end gap-2 border-t border-line p-3"
        onSubmit={(e) => {
          e.preventDefault();
          void ask();
        }}
      >
        <label htmlFor="assistant-question" className="sr-only">
          Your question
        </label>
        <textarea
          id="assistant-question"
          ref={inputRef}
          rows={2}
          maxLength={2000}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void ask();
            }
          }}
          placeholder="Ask about your practice…"
          className="input min-h-0 flex-1 resize-none"
        />
        {voice.available && (
          <button
            type="button"
            className="btn-secondary p-2"
            onClick={voice.state === 'listening' ? voice.stop : voice.start}
            disabled={voice.state === 'transcribing'}
            aria-label={voice.state === 'listening' ? 'Stop recording' : 'Ask by voice'}
            aria-pressed={voice.state === 'listening'}
          >
            {voice.state === 'transcribing' ? <Spinner label="Transcribing" /> : <Icon name="mic" />}
          </button>
        )}
        <button type="submit" className="btn-primary p-2" disabled={isAsking || !draft.trim()} aria-label="Ask">
          {isAsking ? <Spinner label="Answering" /> : <Icon name="send" />}
        </button>
      </form>
    </aside>
  );
}
