import type { SessionRecord } from '../../modules/auth/session-store.js';
import type { RequestContext } from '../request-context.js';

export type Actor = { userId: string; sessionIdHash: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes reachable without a session (sign-in, health …). Everything else is denied by default. */
    isPublic?: boolean;
    /** Skips the CSRF check (only for routes that authenticate another way, such as a bearer token). */
    skipCsrf?: boolean;
    /** Never stores its answer under an Idempotency-Key (answers that carry a secret shown once). */
    skipIdempotency?: boolean;
    /**
     * Its statements may run up to LIMITS.database.statementMs instead of requestStatementMs
     * (exports, imports, merges, erasures): PostgreSQL only (platform/db.ts).
     */
    longStatements?: boolean;
  }
  interface FastifyRequest {
    actor?: Actor;
    session?: SessionRecord;
    ctx: RequestContext;
  }
}
