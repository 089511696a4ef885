import { z } from 'zod';

/** GET /health/live. */
export const liveResponse = z.strictObject({ status: z.string() });
/** GET /health/ready: one entry per dependency. */
export const readyResponse = z.looseObject({ status: z.string(), checks: z.record(z.string(), z.string()) });
