import { z } from 'zod';

/** Every error code the API answers with, and its HTTP status: the closed list clients can rely on. */
export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  unauthenticated: 401,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  /** A JSON answer that broke its route's response schema (only with VALIDATE_RESPONSES, in tests). */
  response_contract: 500,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The body of every 4xx and 5xx answer. */
export const errorResponse = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.unknown().optional(),
  }),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof errorResponse>;

/** The error body for one status, its codes narrowed to those that status carries (for OpenAPI). */
export function errorResponseFor(status: number) {
  const codes = ERROR_CODES.filter((c) => ERROR_STATUS[c] === status) as [ErrorCode, ...ErrorCode[]];
  return z.strictObject({
    error: z.strictObject({ code: z.enum(codes), message: z.string(), details: z.unknown().optional() }),
    requestId: z.string(),
  });
}
