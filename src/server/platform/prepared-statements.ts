import type pg from 'pg';

/**
 * PostgreSQL plans an unnamed statement every time it runs. For the dashboard's and Today's single
 * statements that planning cost as much as running them (about 2–2.6 ms each under the SLO mix,
 * pg_stat_statements with track_planning). A statement text this process has sent `after` times is
 * therefore sent under a name: each connection parses it once, and PostgreSQL may then keep a
 * generic plan for it (plan_cache_mode auto: only when that plan is estimated no worse than the
 * custom ones). At most `max` texts get a name, so variable shapes (IN lists, multi-row inserts)
 * cannot grow the server's per-connection statement memory without bound.
 */
export function createStatementNamer(limits: { after: number; max: number; tracked: number }) {
  const counts = new Map<string, number>();
  const names = new Map<string, string>();
  return (text: string): string | undefined => {
    const name = names.get(text);
    if (name !== undefined || names.size >= limits.max) return name;
    const seen = (counts.get(text) ?? 0) + 1;
    if (seen < limits.after) {
      // Texts seen once or twice are forgotten in bulk once there are many (one-off shapes).
      if (counts.size >= limits.tracked) counts.clear();
      counts.set(text, seen);
      return undefined;
    }
    counts.delete(text);
    const named = `mcrm_${names.size + 1}`;
    names.set(text, named);
    return named;
  };
}

type QueryArgs = [config: unknown, ...rest: unknown[]];

/** Sends the client's frequent statements under their names (query configs only: drizzle's form). */
export function nameFrequentStatements(client: pg.PoolClient, nameOf: (text: string) => string | undefined) {
  const query = client.query.bind(client) as (...args: QueryArgs) => unknown;
  client.query = ((...args: QueryArgs) => {
    const config = args[0] as { text?: unknown; name?: unknown; submit?: unknown; values?: unknown } | null;
    // Only statements with parameters: `begin` and `commit` have no plan worth keeping, and a text
    // of several commands (which cannot have parameters) must stay on the simple protocol.
    const values = args[1] ?? config?.values;
    if (
      config &&
      typeof config === 'object' &&
      typeof config.text === 'string' &&
      config.name === undefined &&
      !config.submit &&
      Array.isArray(values) &&
      values.length > 0
    ) {
      const name = nameOf(config.text);
      if (name) args[0] = { ...config, name };
    }
    return query(...args);
  }) as typeof client.query;
}
