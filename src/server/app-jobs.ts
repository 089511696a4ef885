import type { z } from 'zod';
import { defineJob, type JobDefinition, type JobHandler } from './platform/jobs.js';
import type { Services } from './services.js';

/** What every job handler receives: the same services the routes use, so writes call onChange. */
export type JobDeps = { services: Services };
export type AppJobHandler<Payload> = JobHandler<Payload, JobDeps>;

export const defineAppJob = <Schema extends z.ZodType>(job: JobDefinition<Schema, JobDeps>) => defineJob(job);
