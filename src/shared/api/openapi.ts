import { z } from 'zod';

/** GET /api/openapi.json: an OpenAPI 3 document (its inner shape is the OpenAPI specification's). */
export const openapiResponse = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) });
