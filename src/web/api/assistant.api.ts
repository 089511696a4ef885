import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChatEvent, Conversation, ConversationSummary, Transcription } from '../../shared/api/assistant';
import type { AiUsage } from '../../shared/api/ai';
import { api, csrfToken, toApiError } from './api-client';

export const aiStatusQuery = () => queryOptions({ queryKey: ['ai', 'usage'], queryFn: () => api.get<AiUsage>('/api/ai/usage') });

export const conversationsQuery = () =>
  queryOptions({
    queryKey: ['ai', 'conversations'],
    queryFn: () => api.get<{ items: ConversationSummary[] }>('/api/ai/conversations'),
  });

export const conversationQuery = (id: string) =>
  queryOptions({ queryKey: ['ai', 'conversations', id], queryFn: () => api.get<Conversation>(`/api/ai/conversations/${id}`) });

export function useDeleteConversation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/ai/conversations/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['ai', 'conversations'] }),
  });
}

export const transcribe = (audio: Blob) => {
  const form = new FormData();
  form.set('audio', audio, audio.type.includes('ogg') ? 'question.ogg' : 'question.webm');
  return api.upload<Transcription>('/api/ai/transcribe', form);
};

/**
 * Asks the assistant and hands each server-sent event to `onEvent` as it arrives. A refusal before
 * the stream (unknown conversation, budget spent) rejects with the server's message.
 */
export async function streamChat(
  body: { message: string; conversationId?: string },
  onEvent: (event: ChatEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch('/api/ai/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-csrf-token': await csrfToken() },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  if (!res.ok || !res.body) throw await toApiError(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let end = buffered.indexOf('\n\n');
    while (end >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) onEvent({ event, data: JSON.parse(data) } as ChatEvent);
      end = buffered.indexOf('\n\n');
    }
  }
}
