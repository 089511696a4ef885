import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, ERROR_STATUS, type ErrorCode } from '../errors.js';
import { LIMITS } from '../limits.js';
import { isDatabaseUnavailable, isStatementTimeout } from '../db.js';

const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'payload_too_large',
    message: `The request body is too large (limit ${Math.round(LIMITS.jsonBodyBytes / 1024)} KB).`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'Unsupported Content-Type. Send JSON with Content-Type: application/json.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'bad_request', message: 'The JSON body is empty. Send a JSON object.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'bad_request', message: 'The body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad_request', message: 'The Content-Length header does not match the body.' },
  FST_REQ_FILE_TOO_LARGE: { code: 'payload_too_large', message: 'The file is too large.' },
  FST_FILES_LIMIT: { code: 'payload_too_large', message: 'Too many files in one request.' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'unsupported_media_type', message: 'Send the file as multipart/form-data.' },
};

const CODE_BY_STATUS = Object.fromEntries(Object.entries(ERROR_STATUS).map(([code, status]) => [status, code])) as Record<
  number,
  ErrorCode
>;

export function sendError(reply: FastifyReply, request: FastifyRequest, error: AppError) {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  const body: { code: ErrorCode; message: string; details?: unknown } = { code: error.code, message: error.message };
  if (error.details !== undefined) body.details = error.details;
  return reply.status(error.status).type('application/json').send({ error: body, requestId: request.id });
}

function toAppError(error: FastifyError | Error): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'is invalid',
    }));
    const summary = issues
      .slice(0, 3)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    return new AppError('validation_failed', `Invalid request. ${summary}`, { issues });
  }
  const fastifyError = error as FastifyError;
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return new AppError(known.code, known.message);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new AppError('bad_request', 'The body is not valid JSON.');
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    return new AppError(CODE_BY_STATUS[status] ?? 'bad_request', error.message);
  }
  if (isDatabaseUnavailable(error)) {
    const message = isStatementTimeout(error)
      ? 'The database took too long to answer (a record may be busy). Retry shortly.'
      : 'The database is unreachable right now. Retry shortly.';
    return new AppError('unavailable', message, undefined, LIMITS.database.retryAfterSeconds);
  }
  return new AppError('internal', 'Something went wrong on our side. Try again; if it persists, quote the request id.');
}

/**
 * Errors fastify raises before routing (a URL that does not decode, an overlong path parameter)
 * skip the error handler and hooks; this gives them the same body and request id as any other.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const appError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new AppError('bad_request', 'A part of the URL path is too long. Check the id in the URL.')
      : new AppError('bad_request', 'The URL is not valid (broken %-encoding). Check the URL.');
  request.log.info({ code: error.code }, 'malformed request URL');
  reply.header('x-request-id', request.id);
  return sendError(reply, request, appError);
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.code === 'unavailable') {
      request.log.warn({ err: error }, 'dependency unavailable');
    } else if (appError.status >= 500) {
      const what = isResponseSerializationError(error) ? 'response did not match its schema' : 'unhandled error';
      request.log.error({ err: error }, what);
    } else {
      // Not the message: some quote what the client sent (an unknown key's name, a route's path).
      request.log.info({ code: appError.code, status: appError.status }, 'request refused');
    }
    return sendError(reply, request, appError);
  });
}
