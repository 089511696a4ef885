import { Param, Placeholder, SQL, sql, type Query } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/**
 * drizzle renders an SQL tree to text on every execution, walking each fragment, column and alias.
 * For the large JSON-building statements (Today, the dashboard, a contact or task with its related
 * rows) that walk cost 0.3–1.8 ms of the server's CPU per request under the SLO mix, more than
 * the rest of the request (issue 15, item 9). The helpers here render such SQL once.
 */
const dialect = new PgDialect();

/**
 * A fragment of fixed text, rendered once: the same SQL as a few chunks (its text between its
 * parameters, which keep their values), cheap to render inside each statement that uses it.
 */
export function renderedFragment(fragment: SQL): SQL {
  const { sql: text, params } = dialect.sqlToQuery(fragment);
  if (params.some((p) => p instanceof Placeholder)) throw new Error('renderedFragment: placeholders belong in a renderedStatement');
  return sql(splitAtParams(text, params.length) as unknown as TemplateStringsArray, ...params.map((value) => new Param(value)));
}

/** The text around drizzle's $1, $2, … markers, which it numbers in order. */
function splitAtParams(text: string, count: number): string[] {
  const pieces: string[] = [];
  let from = 0;
  let seen = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    // Any other number would be a literal in the text, not a marker.
    if (Number(match[1]) !== seen + 1) throw new Error(`rendered SQL: unexpected ${match[0]} in the text`);
    seen += 1;
    pieces.push(text.slice(from, match.index));
    from = match.index + match[0].length;
  }
  pieces.push(text.slice(from));
  if (seen !== count) throw new Error(`rendered SQL: ${seen} markers for ${count} parameters`);
  return pieces;
}

type Slot = { name: string } | { value: unknown };

/**
 * A statement of fixed shape whose text is rendered on its first use; every later use fills in
 * its parameters. `build` gets a placeholder for each named value and must give the same shape
 * whatever the values (anything that changes the shape is not a parameter). Values are single
 * parameters, arrays included (no IN-list expansion); constants written into `build` stay
 * parameters with their value.
 */
export function renderedStatement<K extends string>(build: (p: Record<K, SQL>) => SQL): (values: Record<K, unknown>) => SQL {
  let rendered: { pieces: string[]; text: string; slots: Slot[] } | undefined;
  const placeholders = new Proxy({} as Record<K, SQL>, {
    get: (_target, name) => sql`${sql.placeholder(String(name))}`,
  });
  const render = () => {
    const { sql: text, params } = dialect.sqlToQuery(build(placeholders));
    const slots = params.map((p): Slot => (p instanceof Placeholder ? { name: p.name } : { value: p }));
    return { pieces: splitAtParams(text, params.length), text, slots };
  };
  return (values) => {
    rendered ??= render();
    const params = rendered.slots.map((slot) => {
      const value = 'name' in slot ? values[slot.name as K] : slot.value;
      if (value === undefined) throw new Error(`renderedStatement: no value for ${(slot as { name: string }).name}`);
      return value;
    });
    return new RenderedStatement(rendered, params);
  };
}

/**
 * Executed on its own (db.execute, queryRows), its query is the text rendered once and the values
 * in order. Inside a larger template it renders from chunks, built only then.
 */
class RenderedStatement extends SQL {
  private readonly query: Query;
  constructor(rendered: { pieces: string[]; text: string }, params: unknown[]) {
    super([]);
    this.query = { sql: rendered.text, params };
    Object.defineProperty(this, 'queryChunks', {
      get: () => sql(rendered.pieces as unknown as TemplateStringsArray, ...params.map((value) => new Param(value))).queryChunks,
    });
  }

  override toQuery(config: Parameters<SQL['toQuery']>[0]): Query {
    // Numbered from $1 only at the top level.
    return config.paramStartIndex ? super.toQuery(config) : this.query;
  }
}
