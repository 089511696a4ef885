import { z } from 'zod';
import type { App } from '../../app.js';
import { AppError } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { multipartRoutes, readOneFile } from '../../platform/http/multipart.js';
import {
  type ChatEvent,
  chatBody,
  conversationIdParams,
  conversationListResponse,
  conversationResponse,
  transcriptionResponse,
} from '../../../shared/api/assistant.js';

const TAGS = ['ai'];
const AUDIO_FIELD = 'audio';

/** An AbortSignal that fires when the client goes away before the answer is finished. */
function clientGone(raw: import('node:http').ServerResponse): AbortSignal {
  const abort = new AbortController();
  raw.on('close', () => {
    if (!raw.writableFinished) abort.abort(new AppError('unavailable', 'The client went away.'));
  });
  return abort.signal;
}

/** What an error event says: the AppError's code and message, never internals. */
function errorEvent(err: unknown): ChatEvent {
  if (err instanceof AppError) {
    const retry = err.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: err.retryAfterSeconds };
    return { event: 'error', data: { code: err.code, message: err.message, ...retry } };
  }
  return { event: 'error', data: { code: 'internal', message: 'The answer failed; nothing was saved. Try again.' } };
}

export async function registerAssistantRoutes(app: App) {
  const { assistant } = app.services;

  app.post(
    '/api/ai/chat',
    {
      config: { errorStatuses: [409, 429, 503] },
      schema: {
        tags: TAGS,
        description:
          'text/event-stream: "conversation" ({ conversationId }), "delta" events ({ text }) as the answer arrives, then "citations" ({ citations: [{ kind, id, label, contactId }] }) and "done" ({ conversationId, messageId, model, madeWithoutModel }); or "error" ({ code, message, retryAfterSeconds? }), after which nothing of the answer is kept. Refusals before the stream (unknown conversation, budget spent) are plain JSON errors.',
        body: chatBody,
        response: { 200: { description: 'Server-sent events', content: { 'text/event-stream': { schema: z.string() } } } },
      },
    },
    async (req, reply) => {
      const turn = await assistant.begin(requireActor(req), req.body);
      reply.hijack();
      const res = reply.raw;
      const signal = clientGone(res);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      const emit = (e: ChatEvent) => {
        if (!res.writableEnded) res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
      };
      try {
        await assistant.answer(turn, emit, signal);
      } catch (err) {
        if (!signal.aborted) {
          if (!(err instanceof AppError)) req.log.error({ err }, 'assistant answer failed');
          emit(errorEvent(err));
        }
      } finally {
        res.end();
      }
    },
  );

  app.get('/api/ai/conversations', { schema: { tags: TAGS, response: { 200: conversationListResponse } } }, async (req, reply) =>
    sendJsonText(reply, await assistant.list(requireActor(req))),
  );
  app.get(
    '/api/ai/conversations/:id',
    { schema: { tags: TAGS, params: conversationIdParams, response: { 200: conversationResponse } } },
    async (req, reply) => sendJsonText(reply, await assistant.get(requireActor(req), req.params.id)),
  );
  app.delete(
    '/api/ai/conversations/:id',
    { schema: { tags: TAGS, params: conversationIdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await assistant.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  await multipartRoutes(app, { fileBytes: LIMITS.assistant.audioBytes }, (scope) => {
    scope.post(
      '/api/ai/transcribe',
      {
        config: { errorStatuses: [429, 503] },
        schema: {
          tags: TAGS,
          description: `multipart/form-data with a recording (webm, ogg, mp3, wav, m4a; at most ${LIMITS.assistant.audioBytes / 1024 / 1024} MB) in the field "${AUDIO_FIELD}": its text, from the provider's /audio/transcriptions. 503 without an AI model.`,
          consumes: ['multipart/form-data'],
          response: { 200: transcriptionResponse },
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        const file = await readOneFile(req, { field: AUDIO_FIELD, maxBytes: LIMITS.assistant.audioBytes, what: 'recording' });
        if (!file.bytes.length) throw new AppError('bad_request', 'The recording is empty. Record the question again.');
        if (!file.type.startsWith('audio/') && !file.type.startsWith('video/webm')) {
          throw new AppError('unsupported_media_type', 'The file is not a recording: send audio (webm, ogg, mp3, wav or m4a).');
        }
        return reply.send(
          await assistant.transcribe(
            actor,
            { bytes: file.bytes, filename: file.filename || 'question.webm', type: file.type },
            clientGone(reply.raw),
          ),
        );
      },
    );
  });
}
