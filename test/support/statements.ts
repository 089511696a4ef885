/**
 * Statements by kind, from the SQL text the database reports (`openDatabase({ onStatement })`):
 * `insert <table>`, `update <table>`, `delete <table>` for writes (a CTE's write included), else the
 * statement's first word (`select`, `with`, `begin`, `commit`). Tests and the benchmark use it to
 * say which tables a piece of work wrote, not only how many statements it issued.
 */
export function statementKind(query: string): string {
  const q = query.replace(/\s+/g, ' ').toLowerCase();
  const write =
    /\binsert into "?([a-z_]+)"?/.exec(q) ?? /\bdelete from "?([a-z_]+)"?/.exec(q) ?? /\bupdate "?([a-z_]+)"?(?: [a-z_]+)? set\b/.exec(q);
  if (write) return `${write[0].split(' ')[0]} ${write[1]}`;
  return q.trim().split(' ')[0] ?? '';
}

export const isWrite = (kind: string) => /^(insert|update|delete) /.test(kind);

/** Counts statements by kind; `take()` answers the counts so far and starts again. */
export function statementCounter() {
  let counts = new Map<string, number>();
  return {
    record(query: string) {
      const kind = statementKind(query);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    },
    take(): Record<string, number> {
      const out = Object.fromEntries([...counts].sort());
      counts = new Map();
      return out;
    },
  };
}

export const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
export const writes = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([k]) => isWrite(k)));
