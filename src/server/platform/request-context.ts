import { AsyncLocalStorage } from 'node:async_hooks';

export type RequestContext = {
  requestId: string;
  userId?: string;
  /** SQL statements issued while serving this request. */
  statements: number;
  /** Statements spent on authentication, so a route's data statements can be told apart. */
  authStatements: number;
  /** The route runs long statements (exports, imports, merges, erasures): they keep the long bound. */
  longStatements?: boolean;
};

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  enterWith(ctx: RequestContext): void {
    storage.enterWith(ctx);
  },
  get(): RequestContext | undefined {
    return storage.getStore();
  },
};
